package dev.signet.agent.workload;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's current {@link IdentitySnapshot}, swapped atomically by {@link #update}, with subscribers
 * that are told about every swap.
 *
 * <p>Delivery is serialized: updates and subscriptions take the same lock, a new subscriber receives the
 * current snapshot before {@link #subscribe} returns, and every later snapshot is delivered to every
 * subscriber in order on the updating thread. A subscriber therefore never sees snapshots out of order
 * and never misses the one that was current when it subscribed. Subscribers must be quick (encode and
 * hand off to gRPC, never block); one that throws is logged and stays subscribed.
 */
public final class WorkloadIdentityCache {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadIdentityCache.class);

  private final Object lock = new Object();
  private final List<Consumer<IdentitySnapshot>> subscribers = new CopyOnWriteArrayList<>();
  private volatile IdentitySnapshot current;

  public WorkloadIdentityCache(IdentitySnapshot initial) {
    this.current = Objects.requireNonNull(initial, "initial snapshot");
  }

  /** The snapshot in force now (a lock-free read). */
  public IdentitySnapshot current() {
    return current;
  }

  /** Replaces the snapshot and notifies every subscriber; an identical snapshot notifies nobody. */
  public void update(IdentitySnapshot next) {
    Objects.requireNonNull(next, "snapshot");
    synchronized (lock) {
      if (next.equals(current)) {
        return;
      }
      if (!next.trustDomain().equals(current.trustDomain())) {
        throw new IllegalArgumentException("snapshot for trust domain \"" + next.trustDomain()
            + "\" cannot replace one for \"" + current.trustDomain() + "\"");
      }
      current = next;
      for (Consumer<IdentitySnapshot> subscriber : subscribers) {
        deliver(subscriber, next);
      }
    }
  }

  /** Subscribes; {@code subscriber} receives the current snapshot at once. Close the result to stop. */
  public Subscription subscribe(Consumer<IdentitySnapshot> subscriber) {
    synchronized (lock) {
      subscribers.add(subscriber);
      deliver(subscriber, current);
    }
    return () -> subscribers.remove(subscriber);
  }

  /** The number of live subscriptions (open Workload API streams, SDS streams, ...). */
  public int subscriberCount() {
    return subscribers.size();
  }

  private static void deliver(Consumer<IdentitySnapshot> subscriber, IdentitySnapshot snapshot) {
    try {
      subscriber.accept(snapshot);
    } catch (RuntimeException e) {
      LOG.warn("identity cache subscriber {} failed", subscriber, e);
    }
  }

  /** A subscription; closing it twice is harmless. */
  @FunctionalInterface
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
