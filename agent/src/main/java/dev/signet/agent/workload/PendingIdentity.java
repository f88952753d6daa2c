package dev.signet.agent.workload;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A registration entry the agent is authorized for but holds no X509-SVID for, because the agent already
 * holds {@code x509_svid_cache_max_size} SVIDs for entries used more recently. A caller that matches it
 * is entitled to it: the Workload API asks the sync for an SVID at once ({@link WorkloadIdentityCache#demand})
 * and delivers it on the caller's stream when it arrives. JWT-SVIDs need no X509-SVID and are minted for
 * it directly.
 */
public record PendingIdentity(String entryId, SpiffeId spiffeId, Set<Selector> selectors, String hint,
    List<TrustDomain> federatesWith) {
  public PendingIdentity {
    if (entryId == null || entryId.isEmpty()) {
      throw new IllegalArgumentException("pending identity has no entry id");
    }
    Objects.requireNonNull(spiffeId, "pending identity \"" + entryId + "\" has no spiffe id");
    selectors = Set.copyOf(selectors);
    hint = hint == null ? "" : hint;
    federatesWith = List.copyOf(federatesWith);
    if (selectors.isEmpty()) {
      throw new IllegalArgumentException("pending identity \"" + entryId + "\" (" + spiffeId + ") has no selectors");
    }
  }

  /** The same subset rule as {@link CachedIdentity#matches}. */
  public boolean matches(Set<Selector> callerSelectors) {
    return callerSelectors.containsAll(selectors);
  }
}
