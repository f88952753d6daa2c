package dev.signet.agent.workload;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's current {@link IdentitySnapshot}, swapped atomically by {@link #update}, with subscribers
 * that are told about every swap; and the record of which entries workloads use, which the sync reads to
 * decide which X509-SVIDs to hold under {@code x509_svid_cache_max_size}.
 *
 * <p>Delivery: every snapshot gets a sequence number, and each subscriber is handed snapshots under its
 * own lock and drops any not newer than the last it received. A new subscriber receives the current
 * snapshot before {@link #subscribe} returns, and every later snapshot is delivered to every subscriber
 * on the updating thread. A subscriber therefore never sees snapshots out of order and never misses the
 * one that was current when it subscribed (an update either sees the new subscriber in the set, or
 * the subscriber reads the updated snapshot after adding itself), while subscribing takes no global lock.
 * Subscribers must be quick (encode and hand off to gRPC, never block); one that throws is logged and
 * stays subscribed.
 */
public final class WorkloadIdentityCache {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadIdentityCache.class);
  /** A use of an entry is recorded at most this often per entry, to keep the hot path to one map read. */
  private static final long SERVED_RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private record Versioned(long sequence, IdentitySnapshot snapshot) {}

  private final Object updateLock = new Object();
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final Set<Lease> leases = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> lastServed = new ConcurrentHashMap<>();
  private final Set<String> demanded = ConcurrentHashMap.newKeySet();
  private final LongSupplier ticker;
  private volatile Versioned current;
  private volatile Runnable demandListener = () -> { };

  public WorkloadIdentityCache(IdentitySnapshot initial) {
    this(initial, System::nanoTime);
  }

  /** With the monotonic clock that orders uses of entries (tests drive it). */
  public WorkloadIdentityCache(IdentitySnapshot initial, LongSupplier ticker) {
    this.current = new Versioned(0, Objects.requireNonNull(initial, "initial snapshot"));
    this.ticker = ticker;
  }

  /** The snapshot in force now (a lock-free read). */
  public IdentitySnapshot current() {
    return current.snapshot();
  }

  /** Replaces the snapshot and notifies every subscriber; an identical snapshot notifies nobody. */
  public void update(IdentitySnapshot next) {
    Objects.requireNonNull(next, "snapshot");
    synchronized (updateLock) {
      Versioned previous = current;
      if (next.equals(previous.snapshot())) {
        return;
      }
      if (!next.trustDomain().equals(previous.snapshot().trustDomain())) {
        throw new IllegalArgumentException("snapshot for trust domain \"" + next.trustDomain()
            + "\" cannot replace one for \"" + previous.snapshot().trustDomain() + "\"");
      }
      Versioned versioned = new Versioned(previous.sequence() + 1, next);
      current = versioned;
      for (Subscriber subscriber : subscribers) {
        subscriber.offer(versioned);
      }
    }
  }

  /** Subscribes; {@code subscriber} receives the current snapshot at once. Close the result to stop. */
  public Subscription subscribe(Consumer<IdentitySnapshot> consumer) {
    Subscriber subscriber = new Subscriber(consumer);
    subscribers.add(subscriber);
    subscriber.offer(current);
    return () -> subscribers.remove(subscriber);
  }

  /** The number of live subscriptions (open Workload API streams, SDS streams, ...). */
  public int subscriberCount() {
    return subscribers.size();
  }

  /** Records that these identities were just served to a workload (the LRU order of the SVID cache). */
  public void markServed(List<CachedIdentity> identities) {
    long now = ticker.getAsLong();
    for (CachedIdentity identity : identities) {
      Long previous = lastServed.get(identity.entryId());
      if (previous == null || now - previous >= SERVED_RESOLUTION_NANOS) {
        lastServed.put(identity.entryId(), now);
      }
    }
  }

  /** When each entry was last served, on the ticker's scale; entries never served are absent. */
  public Map<String, Long> lastServed() {
    return Map.copyOf(lastServed);
  }

  /** Forgets the use of entries that are no longer authorized. */
  public void retainServed(Set<String> entryIds) {
    lastServed.keySet().retainAll(entryIds);
  }

  /**
   * Asks for X509-SVIDs for pending entries a workload is entitled to; the demand listener (the sync
   * loop) is told once per newly demanded entry, so repeated callers do not cause repeated syncs.
   */
  public void demand(List<PendingIdentity> entries) {
    boolean added = false;
    for (PendingIdentity entry : entries) {
      added |= demanded.add(entry.entryId());
    }
    if (added) {
      demandListener.run();
    }
  }

  /** The entries demanded and not yet settled by a successful sync. */
  public Set<String> demanded() {
    return Set.copyOf(demanded);
  }

  /** Marks these demands as handled (called by a sync that succeeded); later demands stay. */
  public void settleDemands(Set<String> entryIds) {
    demanded.removeAll(entryIds);
  }

  /** Who to tell when a workload demands an SVID the agent does not hold (the sync loop's "sync soon"). */
  public void onDemand(Runnable listener) {
    this.demandListener = Objects.requireNonNull(listener, "demand listener");
  }

  /** A holder of entries that an open stream is serving; see {@link #activeEntryIds}. */
  public Lease lease() {
    Lease lease = new Lease();
    leases.add(lease);
    return lease;
  }

  /** The entries open streams are serving now: their SVIDs are kept even beyond the cache size. */
  public Set<String> activeEntryIds() {
    Set<String> active = new HashSet<>();
    for (Lease lease : leases) {
      active.addAll(lease.entryIds);
    }
    return active;
  }

  private static void deliver(Consumer<IdentitySnapshot> subscriber, IdentitySnapshot snapshot) {
    try {
      subscriber.accept(snapshot);
    } catch (RuntimeException e) {
      LOG.warn("identity cache subscriber {} failed", subscriber, e);
    }
  }

  private static final class Subscriber {
    private final Consumer<IdentitySnapshot> consumer;
    private long delivered = -1;

    Subscriber(Consumer<IdentitySnapshot> consumer) {
      this.consumer = consumer;
    }

    synchronized void offer(Versioned snapshot) {
      if (snapshot.sequence() > delivered) {
        delivered = snapshot.sequence();
        deliver(consumer, snapshot.snapshot());
      }
    }
  }

  /** The entries one open stream serves; closing it releases them. Closing twice is harmless. */
  public final class Lease implements AutoCloseable {
    private volatile Collection<String> entryIds = List.of();

    private Lease() {}

    /** Replaces the entries this stream serves. */
    public void hold(Collection<String> ids) {
      this.entryIds = ids;
    }

    @Override
    public void close() {
      leases.remove(this);
    }
  }

  /** A subscription; closing it twice is harmless. */
  @FunctionalInterface
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
