package dev.signet.datastore;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a reader of a {@link DataStore}'s change-event log on the caller's executor: at once when the store's
 * {@link DataStore#subscribeToEvents subscription} wakes it, and at least every {@code fallback} period. The log
 * stays the source of truth: the reader reads the events after the last one it saw, so a wake that never comes
 * (a notification lost with a connection) costs latency until the next fallback read, never an event.
 *
 * <p>Wakes are coalesced: while a read is queued another wake adds nothing, but a wake during a read queues one
 * more, so an event committed while the reader was reading is read next. Reads never overlap when the executor
 * has one thread. Closing stops the subscription and the fallback schedule; the executor stays the caller's.
 */
public final class EventTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventTail.class);

  private final ScheduledExecutorService executor;
  private final Runnable read;
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile ScheduledFuture<?> fallbackReads;
  private volatile EventSubscription subscription = EventSubscription.NONE;

  private EventTail(ScheduledExecutorService executor, Runnable read) {
    this.executor = executor;
    this.read = read;
  }

  /**
   * Subscribes to {@code store}'s notifications and schedules the fallback reads.
   *
   * @param read reads the events after the last one it saw; a {@link RuntimeException} it throws is logged and the
   *     next wake or fallback period tries again
   */
  public static EventTail start(DataStore store, ScheduledExecutorService executor, Duration fallback, Runnable read) {
    Objects.requireNonNull(read, "read");
    if (fallback.isNegative() || fallback.isZero()) {
      throw new IllegalArgumentException("fallback poll period " + fallback + " is not positive");
    }
    EventTail tail = new EventTail(executor, read);
    tail.fallbackReads = executor.scheduleWithFixedDelay(tail::readGuarded, fallback.toMillis(), fallback.toMillis(),
        TimeUnit.MILLISECONDS);
    try {
      tail.subscription = store.subscribeToEvents(tail::wake);
    } catch (RuntimeException e) {
      tail.fallbackReads.cancel(false);
      throw e;
    }
    return tail;
  }

  /** Queues one read unless one is queued already; called on the store's notification thread. */
  private void wake() {
    if (!queued.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(() -> {
        queued.set(false); // before reading: a wake from now on queues another read
        readGuarded();
      });
    } catch (RejectedExecutionException e) {
      queued.set(false); // the executor is shutting down; so is this tail
    }
  }

  private void readGuarded() {
    try {
      read.run();
    } catch (RuntimeException e) {
      LOG.warn("reading the change-event log failed; the next wake or poll retries: {}", e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    subscription.close();
    fallbackReads.cancel(false);
  }
}
