package dev.signet.agent.workload;

import com.nimbusds.jose.JWSObject;
import dev.signet.common.concurrent.GuardedBy;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.JwtSvid;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * JWT-SVIDs minted for workloads, reused per (entry, SPIFFE ID, audience set) until half their lifetime
 * has passed, like SPIRE's agent. The audience set is order-insensitive and de-duplicated, so
 * {@code [a, b]} and {@code [b, a, a]} share a token. At most {@code jwt_svid_cache_max_size} tokens are
 * kept; beyond that the least recently used one is evicted.
 *
 * <p>Two concurrent misses for the same key may both mint; the later one wins. That costs one extra
 * server call, never a wrong token.
 */
public final class JwtSvidCache {
  /** SPIRE's default {@code jwt_svid_cache_max_size}. */
  public static final int DEFAULT_MAX_SIZE = 1000;

  private record Key(String entryId, SpiffeId spiffeId, Set<String> audiences) {}

  /** @param keyId the {@code kid} of the token's header; null when it has none or cannot be read */
  private record Cached(JwtSvid svid, Instant refreshAt, String keyId) {}

  private final JwtSvidSource source;
  private final Clock clock;
  @GuardedBy("cache")
  private final Map<Key, Cached> cache;

  public JwtSvidCache(JwtSvidSource source, Clock clock) {
    this(source, clock, DEFAULT_MAX_SIZE);
  }

  public JwtSvidCache(JwtSvidSource source, Clock clock, int maxSize) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("jwt_svid_cache_max_size " + maxSize + " must be at least 1");
    }
    this.source = source;
    this.clock = clock;
    this.cache = new LinkedHashMap<>(16, 0.75f, true) { // access order: the eldest is the least recently used
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Cached> eldest) {
        return size() > maxSize;
      }
    };
  }

  /** A token for the entry and audiences, from the cache while it is younger than half its lifetime. */
  public JwtSvid fetch(String entryId, SpiffeId spiffeId, List<String> audiences) {
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException("jwt-svid for \"" + spiffeId + "\" needs at least one audience");
    }
    Key key = new Key(entryId, spiffeId, Set.copyOf(new TreeSet<>(audiences)));
    Instant now = clock.instant();
    Cached cached;
    synchronized (cache) {
      cached = cache.get(key);
    }
    if (cached != null && now.isBefore(cached.refreshAt())) {
      return cached.svid();
    }
    JwtSvid minted = source.fetch(entryId, spiffeId, List.copyOf(new TreeSet<>(audiences)));
    Cached fresh = new Cached(minted, halfLife(minted, now), keyId(minted.token().reveal()));
    synchronized (cache) {
      cache.put(key, fresh);
    }
    return minted;
  }

  /** Drops tokens of entries that are no longer cached and tokens past their half-life. */
  public void retainEntries(Set<String> entryIds) {
    Instant now = clock.instant();
    synchronized (cache) {
      cache.entrySet().removeIf(e -> !entryIds.contains(e.getKey().entryId()) || !now.isBefore(e.getValue().refreshAt()));
    }
  }

  /**
   * Drops every token signed with one of these JWT authority key IDs (tainted authorities), so the next
   * request mints a new one with the current key instead of serving one the server wants retired. Returns
   * how many were dropped.
   */
  public int dropSignedBy(Set<String> keyIds) {
    if (keyIds.isEmpty()) {
      return 0;
    }
    synchronized (cache) {
      int before = cache.size();
      cache.values().removeIf(c -> c.keyId() != null && keyIds.contains(c.keyId()));
      return before - cache.size();
    }
  }

  public int size() {
    synchronized (cache) {
      return cache.size();
    }
  }

  private static String keyId(String token) {
    try {
      return JWSObject.parse(token).getHeader().getKeyID();
    } catch (ParseException e) {
      return null; // not a JWS the agent can read: it cannot be matched to an authority either
    }
  }

  /**
   * Half the token's lifetime, on this host's clock: counted from its receipt when the clocks of agent and server
   * disagree ({@link LocalValidity}), so an agent behind its server does not serve a token past its real expiry
   * and one ahead does not fetch a new token for every request.
   */
  private static Instant halfLife(JwtSvid svid, Instant fetchedAt) {
    Instant issued = svid.issuedAt() != null ? svid.issuedAt() : fetchedAt;
    if (!svid.expiresAt().isAfter(issued)) {
      return issued;
    }
    return LocalValidity.of(issued, svid.expiresAt(), fetchedAt, Duration.ZERO).renewAt();
  }
}
