package dev.signet.agent.workload;

import com.google.protobuf.ByteString;
import dev.signet.common.spiffe.Selector;
import dev.signet.proto.workload.JWTBundlesResponse;
import dev.signet.proto.workload.X509BundlesResponse;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The Workload API's responses for one {@link IdentitySnapshot}, computed once per caller selector set and
 * reused by every caller with the same selectors until the snapshot changes: the view, and the encoded
 * X509SVIDResponse, X509BundlesResponse and JWTBundlesResponse. Each SVID (certificate chain and PKCS#8
 * key) and the trust domain bundle are DER-encoded once per snapshot, not once per call.
 *
 * <p>Security: the cache key is the caller's full selector set, the input the entitlement is computed
 * from, and the cache lives exactly as long as its snapshot, so a cached response is always the one the
 * caller would get by computing it afresh. At most {@link #MAX_SELECTOR_SETS} selector sets are kept per
 * snapshot; beyond that, responses are computed per call.
 */
final class SnapshotResponses {
  static final int MAX_SELECTOR_SETS = 4096;

  private record EncodedSvid(CachedIdentity identity, X509SVID message) {}

  private final IdentitySnapshot snapshot;
  private volatile ByteString bundleDer;
  private final Map<Set<Selector>, WorkloadView> views = new ConcurrentHashMap<>();
  private final Map<Set<Selector>, X509SVIDResponse> x509 = new ConcurrentHashMap<>();
  private final Map<Set<Selector>, X509BundlesResponse> x509Bundles = new ConcurrentHashMap<>();
  private final Map<Set<Selector>, JWTBundlesResponse> jwtBundles = new ConcurrentHashMap<>();
  private final Map<String, EncodedSvid> svids = new ConcurrentHashMap<>();

  private SnapshotResponses(IdentitySnapshot snapshot) {
    this.snapshot = snapshot;
  }

  IdentitySnapshot snapshot() {
    return snapshot;
  }

  WorkloadView view(Set<Selector> selectors) {
    return cached(views, selectors, snapshot::viewFor);
  }

  X509SVIDResponse x509Svids(Set<Selector> selectors, WorkloadView view) {
    return cached(x509, selectors, s -> WorkloadResponses.x509Svids(view, this::svid));
  }

  X509BundlesResponse x509Bundles(Set<Selector> selectors, WorkloadView view) {
    return cached(x509Bundles, selectors, s -> WorkloadResponses.x509Bundles(view));
  }

  JWTBundlesResponse jwtBundles(Set<Selector> selectors, WorkloadView view) {
    return cached(jwtBundles, selectors, s -> WorkloadResponses.jwtBundles(view));
  }

  private X509SVID svid(CachedIdentity identity) {
    EncodedSvid encoded = svids.get(identity.entryId());
    if (encoded == null || encoded.identity() != identity) {
      ByteString bundle = bundleDer;
      if (bundle == null) {
        bundle = WorkloadResponses.der(snapshot.bundle().x509Certificates());
        bundleDer = bundle;
      }
      encoded = new EncodedSvid(identity, WorkloadResponses.x509Svid(identity, bundle));
      svids.put(identity.entryId(), encoded);
    }
    return encoded.message();
  }

  private static <V> V cached(Map<Set<Selector>, V> map, Set<Selector> selectors, Function<Set<Selector>, V> compute) {
    V value = map.get(selectors);
    if (value == null) {
      value = compute.apply(selectors);
      if (map.size() < MAX_SELECTOR_SETS) {
        map.putIfAbsent(selectors, value);
      }
    }
    return value;
  }

  /** Holds the responses of the latest snapshot asked for; older snapshots get uncached responses. */
  static final class Holder {
    private final AtomicReference<SnapshotResponses> latest = new AtomicReference<>();

    SnapshotResponses forSnapshot(IdentitySnapshot snapshot) {
      SnapshotResponses responses = latest.get();
      if (responses != null && responses.snapshot == snapshot) {
        return responses;
      }
      SnapshotResponses fresh = new SnapshotResponses(snapshot);
      latest.compareAndSet(responses, fresh);
      return fresh;
    }
  }
}
