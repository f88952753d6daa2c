package dev.signet.agent.workload;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.X509Svid;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One registration entry the agent is authorized for, with the X509-SVID it holds for it. The private key
 * lives in {@link X509Svid}, whose {@code toString()} never prints it.
 *
 * @param entryId the registration entry ID
 * @param selectors the entry's workload selectors; a caller gets this identity when all of them are among
 *     the caller's selectors
 * @param hint the entry's hint ({@code ""} when none), passed to workloads to tell several SVIDs apart
 * @param federatesWith trust domains whose bundles workloads with this identity also receive
 */
public record CachedIdentity(String entryId, SpiffeId spiffeId, Set<Selector> selectors, X509Svid svid, String hint,
    List<TrustDomain> federatesWith) {
  public CachedIdentity {
    if (entryId == null || entryId.isEmpty()) {
      throw new IllegalArgumentException("cached identity has no entry id");
    }
    Objects.requireNonNull(spiffeId, "cached identity \"" + entryId + "\" has no spiffe id");
    Objects.requireNonNull(svid, "cached identity \"" + entryId + "\" has no x509-svid");
    selectors = Set.copyOf(selectors);
    hint = hint == null ? "" : hint;
    federatesWith = List.copyOf(federatesWith);
    if (selectors.isEmpty()) {
      // An entry without selectors would match every caller; the server never issues one for workloads.
      throw new IllegalArgumentException("cached identity \"" + entryId + "\" (" + spiffeId + ") has no selectors");
    }
    if (!svid.id().equals(spiffeId)) {
      throw new IllegalArgumentException("cached identity \"" + entryId + "\" is for \"" + spiffeId
          + "\" but its x509-svid is for \"" + svid.id() + "\"");
    }
  }

  /**
   * SPIRE's matching rule: the entry applies when its selectors are a subset of the caller's. A caller
   * that reports more about itself never loses an identity; one that reports less never gains one.
   */
  public boolean matches(Set<Selector> callerSelectors) {
    return callerSelectors.containsAll(selectors);
  }
}
