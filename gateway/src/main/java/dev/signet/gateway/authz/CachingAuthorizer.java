package dev.signet.gateway.authz;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers decisions for a short time ({@code ttl}), so a burst of requests by one caller on one path asks
 * the engine once. A policy change therefore takes effect within {@code ttl}. At most {@code maxEntries} are
 * kept; when full, the cache is emptied (a cheap bound, the next decisions refill it). A denial that is not
 * {@link AccessDecision#cacheable() cacheable} (the decision service was unreachable) is not remembered.
 */
public final class CachingAuthorizer implements Authorizer {
  private record Entry(AccessDecision decision, long expiresAt) {}

  private final Authorizer delegate;
  private final long ttlNanos;
  private final int maxEntries;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<AccessRequest, Entry> entries = new ConcurrentHashMap<>();

  public CachingAuthorizer(Authorizer delegate, Duration ttl, int maxEntries, LongSupplier nanoTime) {
    if (ttl.isNegative() || maxEntries < 1) {
      throw new IllegalArgumentException("decision cache needs a ttl >= 0 and room for one entry, got " + ttl
          + " and " + maxEntries);
    }
    this.delegate = delegate;
    this.ttlNanos = ttl.toNanos();
    this.maxEntries = maxEntries;
    this.nanoTime = nanoTime;
  }

  @Override
  public CompletionStage<AccessDecision> decide(AccessRequest request) {
    if (ttlNanos == 0) {
      return delegate.decide(request);
    }
    Entry entry = entries.get(request);
    if (entry != null && nanoTime.getAsLong() - entry.expiresAt() < 0) {
      return CompletableFuture.completedFuture(entry.decision());
    }
    return delegate.decide(request).thenApply(decision -> {
      if (decision.cacheable()) {
        if (entries.size() >= maxEntries) {
          entries.clear();
        }
        entries.put(request, new Entry(decision, nanoTime.getAsLong() + ttlNanos));
      }
      return decision;
    });
  }
}
