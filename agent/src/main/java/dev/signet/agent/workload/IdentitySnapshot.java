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
 * federated bundles it holds, the identities it holds X509-SVIDs for, and the authorized entries it holds
 * none for yet ({@link PendingIdentity}, beyond {@code x509_svid_cache_max_size}). The sync component
 * builds a new snapshot whenever anything changes and swaps it into the {@link WorkloadIdentityCache}, so
 * an SVID and the bundle that verifies it always change together.
 *
 * @param federatedBundles bundles of other trust domains, keyed by trust domain
 * @param identities in the order the sync delivered them; this order decides which of two identities
 *     with the same hint is served
 * @param pending authorized entries without an SVID, in the order the sync delivered them; for hints
 *     they come after every identity
 */
public record IdentitySnapshot(Bundle bundle, Map<TrustDomain, Bundle> federatedBundles,
    List<CachedIdentity> identities, List<PendingIdentity> pending) {
  public IdentitySnapshot {
    Objects.requireNonNull(bundle, "snapshot has no trust domain bundle");
    federatedBundles = Map.copyOf(federatedBundles);
    identities = List.copyOf(identities);
    pending = List.copyOf(pending);
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

  /** A snapshot in which every authorized entry holds an SVID. */
  public IdentitySnapshot(Bundle bundle, Map<TrustDomain, Bundle> federatedBundles, List<CachedIdentity> identities) {
    this(bundle, federatedBundles, identities, List.of());
  }

  /** A snapshot with a bundle and nothing else (the agent before its first sync). */
  public static IdentitySnapshot empty(Bundle bundle) {
    return new IdentitySnapshot(bundle, Map.of(), List.of(), List.of());
  }

  public TrustDomain trustDomain() {
    return bundle.trustDomain();
  }

  /**
   * What a caller with {@code callerSelectors} is entitled to: the identities (and pending entries) whose
   * selectors are a subset of the caller's, the first of each non-empty hint only (later duplicates are
   * dropped, as SPIRE does), and the federated bundles those entries federate with.
   */
  public WorkloadView viewFor(Set<Selector> callerSelectors) {
    List<CachedIdentity> matched = new ArrayList<>();
    List<PendingIdentity> matchedPending = new ArrayList<>();
    Set<String> hints = new HashSet<>();
    Map<TrustDomain, Bundle> federated = new LinkedHashMap<>();
    for (CachedIdentity identity : identities) {
      if (identity.matches(callerSelectors) && (identity.hint().isEmpty() || hints.add(identity.hint()))) {
        matched.add(identity);
        addFederated(identity.federatesWith(), federated);
      }
    }
    for (PendingIdentity entry : pending) {
      if (entry.matches(callerSelectors) && (entry.hint().isEmpty() || hints.add(entry.hint()))) {
        matchedPending.add(entry);
        addFederated(entry.federatesWith(), federated);
      }
    }
    return new WorkloadView(bundle, federated, matched, matchedPending);
  }

  private void addFederated(List<TrustDomain> domains, Map<TrustDomain, Bundle> into) {
    for (TrustDomain domain : domains) {
      Bundle found = federatedBundles.get(domain);
      if (found != null) {
        into.putIfAbsent(domain, found);
      }
    }
  }
}
