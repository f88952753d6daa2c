package dev.signet.common.svid;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.TrustDomain;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a validator finds the bundle of an SVID's trust domain. Validators always ask for the subject's
 * own trust domain, so a key trusted for one domain never vouches for another (Trust Domain and Bundle §3).
 */
@FunctionalInterface
public interface BundleSource {
  /** The bundle of {@code trustDomain}, or empty when that domain is not trusted. */
  Optional<Bundle> bundleFor(TrustDomain trustDomain);

  /** A fixed set of bundles, at most one per trust domain. */
  static BundleSource of(Bundle... bundles) {
    return of(List.of(bundles));
  }

  /** A fixed set of bundles, at most one per trust domain. */
  static BundleSource of(Collection<Bundle> bundles) {
    Map<TrustDomain, Bundle> byDomain = new HashMap<>();
    for (Bundle bundle : bundles) {
      if (byDomain.putIfAbsent(bundle.trustDomain(), bundle) != null) {
        throw new IllegalArgumentException("two bundles for trust domain \"" + bundle.trustDomain() + "\"");
      }
    }
    Map<TrustDomain, Bundle> snapshot = Map.copyOf(byDomain);
    return trustDomain -> Optional.ofNullable(snapshot.get(trustDomain));
  }
}
