package dev.signet.agent.sync;

import com.google.protobuf.ByteString;
import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.PendingIdentity;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.X509Svid;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.GetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync of the agent with its server, run on every push signal, every {@code sync_interval} and when a
 * workload demands an SVID the agent does not hold: fetch the bundle(s) and the entries the agent is
 * authorized for ({@link AuthorizedEntryFetcher}: SyncAuthorizedEntries, or GetAuthorizedEntries from a
 * server without it), get new X509-SVIDs (one fresh key per entry; the CSR carries only the key, the
 * server decides the identity) for entries that are new, changed, past their renewal point, or signed by
 * an authority the bundle marks tainted ({@link TaintedAuthorities}), and swap the result into the
 * workload cache as one snapshot. SVIDs are held for at most {@code x509_svid_cache_max_size} entries
 * ({@link SvidCachePolicy}); the others are served as pending and issued on demand.
 *
 * <p>An SVID the server refuses to renew is kept until it expires; a server that cannot be reached leaves
 * the cache as it is, so workloads keep being served.
 */
public final class EntrySynchronizer {
  private static final Logger LOG = LoggerFactory.getLogger(EntrySynchronizer.class);
  private static final int BATCH_SIZE = 500;
  /** SPIRE's default {@code x509_svid_cache_max_size}. */
  public static final int DEFAULT_X509_SVID_CACHE_MAX_SIZE = 1000;
  /** How long an entry whose SVID the server refused to renew waits before it is asked for again. */
  static final Duration REFUSED_RETRY = Duration.ofSeconds(10);

  private final ServerApi api;
  private final TrustDomain trustDomain;
  private final WorkloadIdentityCache cache;
  private final JwtSvidCache jwtCache;
  private final KeyType keyType;
  private final Clock clock;
  private final AuthorizedEntryFetcher fetcher;
  private final SvidCachePolicy policy;
  private final StoredSvids stored;
  private final ClockSkewLog skewLog = new ClockSkewLog();
  private TaintedAuthorities tainted = TaintedAuthorities.NONE;
  private Map<String, HeldSvid> held = Map.of();
  private Map<TrustDomain, Bundle> federated = Map.of();
  private volatile Bundle bundle;

  /** With SPIRE's default {@code x509_svid_cache_max_size} (1000). */
  public EntrySynchronizer(ServerApi api, TrustDomain trustDomain, WorkloadIdentityCache cache, JwtSvidCache jwtCache,
      KeyType keyType, Clock clock) {
    this(api, trustDomain, cache, jwtCache, keyType, clock, DEFAULT_X509_SVID_CACHE_MAX_SIZE);
  }

  /** Keeping nothing in the data directory ({@link StoredSvids#none()}). */
  public EntrySynchronizer(ServerApi api, TrustDomain trustDomain, WorkloadIdentityCache cache, JwtSvidCache jwtCache,
      KeyType keyType, Clock clock, int x509SvidCacheMaxSize) {
    this(api, trustDomain, cache, jwtCache, keyType, clock, x509SvidCacheMaxSize, StoredSvids.none());
  }

  /** Writing the SVIDs it holds to {@code stored} after every sync that changed them. */
  public EntrySynchronizer(ServerApi api, TrustDomain trustDomain, WorkloadIdentityCache cache, JwtSvidCache jwtCache,
      KeyType keyType, Clock clock, int x509SvidCacheMaxSize, StoredSvids stored) {
    this.stored = stored;
    this.fetcher = new AuthorizedEntryFetcher(api);
    this.policy = new SvidCachePolicy(x509SvidCacheMaxSize);
    this.api = api;
    this.trustDomain = trustDomain;
    this.cache = cache;
    this.jwtCache = jwtCache;
    this.keyType = keyType;
    this.clock = clock;
  }

  /** The result of one sync: the bundle received and how many SVIDs were issued. */
  public record Result(Bundle bundle, int entries, int issued) {}

  /**
   * Runs one sync.
   *
   * @throws StatusRuntimeException when the server cannot be reached or refuses the agent
   */
  public synchronized Result sync() {
    Map<String, HeldSvid> before = held;
    Map<TrustDomain, Bundle> federatedBefore = federated;
    Bundle bundleBefore = bundle;
    Bundle own = BundleProtos.fromProto(api.bundles().getBundle(GetBundleRequest.getDefaultInstance()));
    if (!own.trustDomain().equals(trustDomain)) {
      throw Status.INTERNAL.withDescription("server sent the bundle of \"" + own.trustDomain() + "\", expected \""
          + trustDomain + "\"").asRuntimeException();
    }
    bundle = own;
    tainted = TaintedAuthorities.of(own, tainted);
    List<AuthorizedEntry> entries = fetcher.fetch();
    federated = federatedBundles(entries);
    Instant now = clock.instant();
    Set<String> demanded = cache.demanded();
    Set<String> pinned = new HashSet<>(cache.activeEntryIds());
    pinned.addAll(demanded);
    Set<String> chosen = policy.choose(entries, pinned, cache.lastServed());
    List<AuthorizedEntry> stale = entries.stream().filter(e -> chosen.contains(e.id()) && needsSvid(e, now)).toList();
    Set<String> staleIds = stale.stream().map(AuthorizedEntry::id).collect(Collectors.toSet());
    Map<String, HeldSvid> next = new LinkedHashMap<>();
    Map<String, HeldSvid> issued = issue(stale);
    List<PendingIdentity> pending = new ArrayList<>();
    Set<String> authorized = new HashSet<>();
    for (AuthorizedEntry entry : entries) {
      authorized.add(entry.id());
      if (!chosen.contains(entry.id())) {
        pending.add(new PendingIdentity(entry.id(), entry.spiffeId(), entry.selectors(), entry.hint(),
            entry.federatesWith()));
        continue; // beyond the SVID cache size: its SVID (if any) is evicted
      }
      HeldSvid svid = issued.get(entry.id());
      if (svid == null) {
        svid = held.get(entry.id());
        if (svid != null && staleIds.contains(entry.id())) {
          // Renewal refused or failed: keep the old SVID until it expires and ask again a little later,
          // instead of on every tick. The held entry stays the one the SVID was issued for, so a changed
          // entry is still seen as changed on the next sync.
          svid = svid.retryNoEarlierThan(now.plus(REFUSED_RETRY));
        }
      }
      if (svid != null && svid.expiresAt().isAfter(now)) {
        next.put(entry.id(), svid);
      }
    }
    held = Map.copyOf(next);
    cache.update(snapshot(own, federated, entries, pending));
    cache.settleDemands(demanded);
    cache.retainServed(authorized);
    jwtCache.retainEntries(authorized); // JWT-SVIDs need no X509-SVID: pending entries keep theirs
    int dropped = jwtCache.dropSignedBy(tainted.jwtKeyIds());
    if (dropped > 0) {
      LOG.info("dropped {} cached jwt-svids signed by tainted keys {}", dropped, tainted.jwtKeyIds());
    }
    // after the workloads have the new snapshot: the write never delays an SVID
    if (!held.equals(before) || !federated.equals(federatedBefore) || !own.equals(bundleBefore)) {
      stored.save(new StoredSvids.Contents(own, federated, List.copyOf(held.values())));
    }
    return new Result(own, entries.size(), issued.size());
  }

  /**
   * Serves the SVIDs kept by an earlier run of this agent ({@link StoredSvids}: only those still valid, for this
   * agent) until the first sync replaces them, and holds them so that sync re-issues only what changed. Call
   * before the first sync, and only when the agent resumed its stored identity.
   *
   * @return how many SVIDs are now served
   */
  public synchronized int restore() {
    Optional<StoredSvids.Contents> contents = stored.load(trustDomain, clock.instant());
    if (contents.isEmpty() || contents.get().svids().isEmpty()) {
      return 0;
    }
    Map<String, HeldSvid> restored = new LinkedHashMap<>();
    contents.get().svids().forEach(svid -> restored.put(svid.entry().id(), svid));
    held = Map.copyOf(restored);
    bundle = contents.get().bundle();
    federated = contents.get().federated();
    List<AuthorizedEntry> entries = contents.get().svids().stream().map(HeldSvid::entry).toList();
    cache.update(snapshot(bundle, federated, entries, List.of()));
    return held.size();
  }

  /** The bundle of the last successful sync, if any. */
  public Optional<Bundle> bundle() {
    return Optional.ofNullable(bundle);
  }

  /** The earliest instant at which a held SVID is due for renewal; null with none held. */
  public synchronized Instant nextRenewal() {
    return held.values().stream().map(HeldSvid::renewAt).min(Instant::compareTo).orElse(null);
  }

  /**
   * The instant by which a sync must run for the held SVIDs that fall due ({@link HeldSvid#renewalDeadline}); null
   * with none held. SVIDs past their renewal point are renewed by whichever sync comes first, so those falling due
   * between two periodic syncs are renewed in one batch, as SPIRE's agent does, not in a sync each.
   */
  public synchronized Instant renewalDeadline() {
    return held.values().stream().map(HeldSvid::renewalDeadline).min(Instant::compareTo).orElse(null);
  }

  private boolean needsSvid(AuthorizedEntry entry, Instant now) {
    HeldSvid current = held.get(entry.id());
    if (current == null || entry.needsNewSvidComparedTo(current.entry()) || current.dueAt(now)) {
      return true;
    }
    if (!current.retrying() && tainted.signed(current.svid())) {
      LOG.info("re-issuing the x509-svid of entry {} ({}): its authority is tainted", entry.id(), entry.spiffeId());
      return true;
    }
    return false;
  }

  /** False once the server answered UNIMPLEMENTED to SyncAuthorizedEntries (GetAuthorizedEntries is used). */
  public boolean usesSyncAuthorizedEntries() {
    return fetcher.usesSyncStream();
  }

  private Map<TrustDomain, Bundle> federatedBundles(List<AuthorizedEntry> entries) {
    Set<TrustDomain> wanted = new LinkedHashSet<>();
    entries.forEach(e -> wanted.addAll(e.federatesWith()));
    wanted.remove(trustDomain);
    Map<TrustDomain, Bundle> bundles = new LinkedHashMap<>();
    for (TrustDomain domain : wanted) {
      try {
        bundles.put(domain, BundleProtos.fromProto(api.bundles().getFederatedBundle(
            GetFederatedBundleRequest.newBuilder().setTrustDomain(domain.name()).build())));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
        LOG.warn("no federated bundle for \"{}\" yet", domain);
      }
    }
    return bundles;
  }

  private Map<String, HeldSvid> issue(List<AuthorizedEntry> entries) {
    Map<String, HeldSvid> issued = new LinkedHashMap<>();
    for (int from = 0; from < entries.size(); from += BATCH_SIZE) {
      List<AuthorizedEntry> batch = entries.subList(from, Math.min(entries.size(), from + BATCH_SIZE));
      // Key pairs and CSRs on every core: at start-up, with hundreds of entries and code not yet compiled,
      // they are most of the time to the first SVID.
      List<KeyPair> keys = java.util.stream.IntStream.range(0, batch.size()).parallel()
          .mapToObj(i -> keyType.generate()).toList();
      List<byte[]> csrs = keys.parallelStream().map(Csrs::forKey).toList();
      BatchNewX509SVIDRequest.Builder request = BatchNewX509SVIDRequest.newBuilder();
      for (int i = 0; i < batch.size(); i++) {
        request.addParams(NewX509SVIDParams.newBuilder().setEntryId(batch.get(i).id())
            .setCsr(ByteString.copyFrom(csrs.get(i))));
      }
      BatchNewX509SVIDResponse response = api.svids().batchNewX509SVID(request.build());
      for (int i = 0; i < response.getResultsCount() && i < batch.size(); i++) {
        BatchNewX509SVIDResponse.Result result = response.getResults(i);
        AuthorizedEntry entry = batch.get(i);
        if (result.getStatus().getCode() != 0 || !result.hasSvid()) {
          LOG.warn("server refused an x509-svid for entry {} ({}): {}", entry.id(), entry.spiffeId(),
              result.getStatus().getMessage());
          continue;
        }
        X509Svid svid;
        try {
          svid = X509Svid.of(SvidProtos.chainOf(result.getSvid()), keys.get(i).getPrivate());
        } catch (IllegalArgumentException e) { // ProtoConversionException, no or bad URI SAN
          LOG.warn("server sent an unusable x509-svid for entry {}: {}", entry.id(), e.getMessage());
          continue;
        }
        if (!svid.leaf().getPublicKey().equals(keys.get(i).getPublic())) {
          LOG.warn("server issued an x509-svid for entry {} that does not certify the key of its csr; discarded",
              entry.id());
          continue;
        }
        if (!svid.id().equals(entry.spiffeId())) {
          LOG.warn("server issued \"{}\" for entry {} of \"{}\"; discarded", svid.id(), entry.id(), entry.spiffeId());
          continue;
        }
        HeldSvid fresh = HeldSvid.issued(entry, svid, clock.instant());
        if (!fresh.expiresAt().equals(svid.expiresAt())) { // LocalValidity anchored it at receipt
          skewLog.warn(entry, svid, clock.instant());
        }
        issued.put(entry.id(), fresh);
      }
    }
    return issued;
  }

  private IdentitySnapshot snapshot(Bundle own, Map<TrustDomain, Bundle> federated, List<AuthorizedEntry> entries,
      List<PendingIdentity> pending) {
    List<CachedIdentity> identities = new ArrayList<>();
    for (AuthorizedEntry entry : entries) {
      HeldSvid svid = held.get(entry.id());
      // An SVID kept for an entry whose SPIFFE ID changed (and whose new SVID was refused) is not served:
      // it names an identity the entry no longer grants.
      if (svid != null && svid.svid().id().equals(entry.spiffeId())) {
        identities.add(new CachedIdentity(entry.id(), entry.spiffeId(), entry.selectors(), svid.svid(), entry.hint(),
            entry.federatesWith()));
      }
    }
    return new IdentitySnapshot(own, federated, identities, pending);
  }
}
