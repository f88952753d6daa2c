package dev.signet.server.ratelimit;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets keyed by caller (the peer IP address): each key gets {@code perSecond} tokens a second,
 * with a burst of the same size. SPIRE's limits: AttestAgent 1/s per IP, SVID signing 500/s per IP
 * (a batch counts each CSR). Idle buckets are dropped so the map cannot grow without bound.
 */
public final class PerKeyRateLimiter {
  private static final int MAX_KEYS = 100_000;

  private final double perSecond;
  private final Clock clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public PerKeyRateLimiter(double perSecond, Clock clock) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive, got " + perSecond);
    }
    this.perSecond = perSecond;
    this.clock = clock;
  }

  /** The most tokens one request can ever take (the bucket size); a larger request always fails. */
  public int burst() {
    return (int) perSecond;
  }

  /** Takes {@code cost} tokens for {@code key}; false (and nothing taken) when the key is over its limit. */
  public boolean tryAcquire(String key, int cost) {
    if (cost > perSecond) {
      return false;
    }
    long nowNanos = clock.instant().getEpochSecond() * 1_000_000_000L + clock.instant().getNano();
    if (buckets.size() > MAX_KEYS) {
      evictIdle(nowNanos);
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(perSecond, nowNanos));
    synchronized (bucket) {
      bucket.refill(perSecond, nowNanos);
      if (bucket.tokens < cost) {
        return false;
      }
      bucket.tokens -= cost;
      return true;
    }
  }

  private void evictIdle(long nowNanos) {
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        e.getValue().refill(perSecond, nowNanos);
        return e.getValue().tokens >= perSecond;
      }
    });
  }

  private static final class Bucket {
    double tokens;
    long lastNanos;

    Bucket(double tokens, long lastNanos) {
      this.tokens = tokens;
      this.lastNanos = lastNanos;
    }

    void refill(double perSecond, long nowNanos) {
      long elapsed = Math.max(0, nowNanos - lastNanos);
      tokens = Math.min(perSecond, tokens + elapsed * perSecond / 1e9);
      lastNanos = nowNanos;
    }
  }
}
