package dev.signet.agent.workload;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the Workload API serves, as one immutable value: the agent's own trust domain bundle, the
 * federated bundles it holds, and the identities it is authorized for. The sync component builds a new
 * snapshot whenever anything changes and swaps it into the {@link WorkloadIdentityCache}, so an SVID and
 * the bundle that verifies it always change together.
 *
 * @param federatedBundles bundles of other trust domains, keyed by trust domain
 * @param identities in the order the sync delivered them; this order decides which of two identities
 *     with the same hint is served
 */
public record IdentitySnapshot(Bundle bundle, Map<TrustDomain, Bundle> federatedBundles,
    List<CachedIdentity> identities) {
  public IdentitySnapshot {
    Objects.requireNonNull(bundle, "snapshot has no trust domain bundle");
    federatedBundles = Map.copyOf(federatedBundles);
    identities = List.copyOf(identities);
    federatedBundles.forEach((domain, federated) -> {
      if (!federated.trustDomain().equals(domain)) {
        throw new IllegalArgumentException("federated bundle under \"" + domain + "\" is for \""
            + federated.trustDomain() + "\"");
      }
    });
    if (federatedBundles.containsKey(bundle.trustDomain())) {
      throw new IllegalArgumentException("trust domain \"" + bundle.trustDomain() + "\" cannot federate with itself");
    }
  }

  /** A snapshot with a bundle and nothing else (the agent before its first sync). */
  public static IdentitySnapshot empty(Bundle bundle) {
    return new IdentitySnapshot(bundle, Map.of(), List.of());
  }

  public TrustDomain trustDomain() {
    return bundle.trustDomain();
  }

  /**
   * What a caller with {@code callerSelectors} is entitled to: the identities whose selectors are a subset
   * of the caller's, the first of each non-empty hint only (later duplicates are dropped, as SPIRE does),
   * and the federated bundles those identities federate with.
   */
  public WorkloadView viewFor(Set<Selector> callerSelectors) {
    List<CachedIdentity> matched = new ArrayList<>();
    Set<String> hints = new HashSet<>();
    Map<TrustDomain, Bundle> federated = new LinkedHashMap<>();
    for (CachedIdentity identity : identities) {
      if (!identity.matches(callerSelectors)) {
        continue;
      }
      if (!identity.hint().isEmpty() && !hints.add(identity.hint())) {
        continue;
      }
      matched.add(identity);
      for (TrustDomain domain : identity.federatesWith()) {
        Bundle found = federatedBundles.get(domain);
        if (found != null) {
          federated.putIfAbsent(domain, found);
        }
      }
    }
    return new WorkloadView(bundle, federated, matched);
  }
}
