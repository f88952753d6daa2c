package dev.signet.agent.workload;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.JwtSvid;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * JWT-SVIDs minted for workloads, reused per (entry, SPIFFE ID, audience set) until half their lifetime
 * has passed, like SPIRE's agent. The audience set is order-insensitive and de-duplicated, so
 * {@code [a, b]} and {@code [b, a, a]} share a token.
 *
 * <p>Two concurrent misses for the same key may both mint; the later one wins. That costs one extra
 * server call, never a wrong token.
 */
public final class JwtSvidCache {
  private record Key(String entryId, SpiffeId spiffeId, Set<String> audiences) {}

  private record Cached(JwtSvid svid, Instant refreshAt) {}

  private final JwtSvidSource source;
  private final Clock clock;
  private final ConcurrentMap<Key, Cached> cache = new ConcurrentHashMap<>();

  public JwtSvidCache(JwtSvidSource source, Clock clock) {
    this.source = source;
    this.clock = clock;
  }

  /** A token for the entry and audiences, from the cache while it is younger than half its lifetime. */
  public JwtSvid fetch(String entryId, SpiffeId spiffeId, List<String> audiences) {
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException("jwt-svid for \"" + spiffeId + "\" needs at least one audience");
    }
    Key key = new Key(entryId, spiffeId, Set.copyOf(new TreeSet<>(audiences)));
    Instant now = clock.instant();
    Cached cached = cache.get(key);
    if (cached != null && now.isBefore(cached.refreshAt())) {
      return cached.svid();
    }
    JwtSvid minted = source.fetch(entryId, spiffeId, List.copyOf(new TreeSet<>(audiences)));
    cache.put(key, new Cached(minted, halfLife(minted, now)));
    return minted;
  }

  /** Drops tokens of entries that are no longer cached and tokens past their half-life. */
  public void retainEntries(Set<String> entryIds) {
    Instant now = clock.instant();
    cache.entrySet().removeIf(e -> !entryIds.contains(e.getKey().entryId()) || !now.isBefore(e.getValue().refreshAt()));
  }

  public int size() {
    return cache.size();
  }

  private static Instant halfLife(JwtSvid svid, Instant fetchedAt) {
    Instant issued = svid.issuedAt() != null ? svid.issuedAt() : fetchedAt;
    Duration lifetime = Duration.between(issued, svid.expiresAt());
    return lifetime.isNegative() ? issued : issued.plus(lifetime.dividedBy(2));
  }
}
