package dev.signet.common.workload;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.tls.SvidKeyManager;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a Workload API client (the gateway, a downstream server) presents and trusts, as one immutable snapshot: its own X509-SVID and the X.509 bundles
 * the Workload API sent with it (its own trust domain's and the federated ones). A rotation replaces the
 * whole snapshot, so an SVID is never paired with the bundles of another update.
 */
public record X509Context(SpiffeId id, SvidKeyManager.KeyMaterial svid, Map<TrustDomain, Bundle> bundles) {
  public X509Context {
    bundles = Map.copyOf(bundles);
    if (!bundles.containsKey(id.trustDomain())) {
      throw new IllegalArgumentException("x509 context for \"" + id + "\" has no bundle for its own trust domain");
    }
  }

  /**
   * The bundles a peer may chain to: always our own trust domain's, and a federated one only when its trust
   * domain is in {@code federated}. Security: a federated bundle the agent delivers is not trusted merely
   * because it was delivered; the operator names the foreign trust domains the gateway accepts callers from.
   */
  public BundleSource trusted(Set<TrustDomain> federated) {
    return trustDomain -> trustDomain.equals(id.trustDomain()) || federated.contains(trustDomain)
        ? Optional.ofNullable(bundles.get(trustDomain)) : Optional.empty();
  }

  /** The bundle of {@code trustDomain} as delivered, whether or not it is accepted for callers. */
  public Optional<Bundle> bundle(TrustDomain trustDomain) {
    return Optional.ofNullable(bundles.get(trustDomain));
  }
}
