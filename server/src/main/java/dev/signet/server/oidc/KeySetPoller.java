package dev.signet.server.oidc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the JWT authorities from a {@link KeySource} every poll interval and keeps the last good
 * {@link JwksDocument}. A failed fetch keeps serving the previous set: a relying party is better served by keys
 * a few polls old than by an error, and the health state tells the operator (see {@link #ready()}).
 */
public final class KeySetPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeySetPoller.class);
  /** SPIRE's threshold: five poll intervals, at least three minutes. */
  private static final Duration MIN_THRESHOLD = Duration.ofMinutes(3);

  private final KeySource source;
  private final boolean setKeyUse;
  private final Duration interval;
  private final Clock clock;
  private final Instant started;
  private final AtomicReference<JwksDocument> current = new AtomicReference<>();
  private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "oidc-key-poller");
    thread.setDaemon(true);
    return thread;
  });

  public KeySetPoller(KeySource source, boolean setKeyUse, Duration interval, Clock clock) {
    this.source = source;
    this.setKeyUse = setKeyUse;
    this.interval = interval;
    this.clock = clock;
    this.started = clock.instant();
  }

  /**
   * Fetches once now, on the caller's thread (so the listeners start with keys when the source is up), then
   * every interval.
   */
  public KeySetPoller start() {
    pollQuietly();
    timer.scheduleWithFixedDelay(this::pollQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One fetch; true when it succeeded. Public for tests and for the first fetch before listening. */
  public boolean poll() {
    JwksDocument fetched = JwksDocument.render(source.fetch(), setKeyUse, clock.instant());
    JwksDocument previous = current.get();
    if (!fetched.sameContent(previous)) {
      current.set(fetched);
      LOG.info("serving jwt authorities {} from {}", fetched.keyIds(), source.describe());
    }
    lastSuccess.set(clock.instant());
    return true;
  }

  /** One fetch whose failure is logged, not thrown; false when it failed. */
  boolean pollQuietly() {
    try {
      return poll();
    } catch (RuntimeException e) { // the next poll retries; the last good set is still served
      LOG.warn("cannot fetch jwt authorities from {}: {}", source.describe(), e.getMessage());
      return false;
    }
  }

  /** The last good key set, empty until the first fetch succeeded. */
  public Optional<JwksDocument> current() {
    return Optional.ofNullable(current.get());
  }

  /** Keys were fetched, and the last fetch is no older than the threshold. */
  public boolean ready() {
    Instant last = lastSuccess.get();
    return last != null && !clock.instant().isAfter(last.plus(threshold()));
  }

  /** Ready, or still within the threshold after start while no key was fetched yet. */
  public boolean live() {
    return ready() || (lastSuccess.get() == null && !clock.instant().isAfter(started.plus(threshold())));
  }

  private Duration threshold() {
    Duration fivePolls = interval.multipliedBy(5);
    return fivePolls.compareTo(MIN_THRESHOLD) > 0 ? fivePolls : MIN_THRESHOLD;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    source.close();
  }
}
