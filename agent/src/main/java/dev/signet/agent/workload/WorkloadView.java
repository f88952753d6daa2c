package dev.signet.agent.workload;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of an {@link IdentitySnapshot} one caller may see.
 *
 * @param federatedBundles only the bundles the caller's entries federate with, in first-seen order
 * @param pending entries the caller is entitled to whose X509-SVID the agent does not hold yet
 */
public record WorkloadView(Bundle bundle, Map<TrustDomain, Bundle> federatedBundles, List<CachedIdentity> identities,
    List<PendingIdentity> pending) {
  public WorkloadView {
    federatedBundles = Collections.unmodifiableMap(new LinkedHashMap<>(federatedBundles));
    identities = List.copyOf(identities);
    pending = List.copyOf(pending);
  }

  /** A view with nothing pending. */
  public WorkloadView(Bundle bundle, Map<TrustDomain, Bundle> federatedBundles, List<CachedIdentity> identities) {
    this(bundle, federatedBundles, identities, List.of());
  }

  /** True when no X509-SVID is held for this caller (it may still be entitled to pending entries). */
  public boolean isEmpty() {
    return identities.isEmpty();
  }

  /**
   * True when the caller is entitled to nothing at all, held or pending: the Workload API then answers
   * PERMISSION_DENIED.
   */
  public boolean isUnentitled() {
    return identities.isEmpty() && pending.isEmpty();
  }

  /** The trust domain bundle followed by the federated bundles. */
  public List<Bundle> allBundles() {
    List<Bundle> all = new ArrayList<>();
    all.add(bundle);
    all.addAll(federatedBundles.values());
    return all;
  }

  /** The bundles this caller may validate against: its own trust domain's and its federated ones. */
  public BundleSource bundleSource() {
    return domain -> domain.equals(bundle.trustDomain()) ? Optional.of(bundle)
        : Optional.ofNullable(federatedBundles.get(domain));
  }
}
