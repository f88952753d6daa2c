package dev.signet.server.api.svid;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.api.Listeners;
import java.security.cert.X509Certificate;

/** Told about every X509-SVID the SVID API signs for an agent's workload (the trust scores listen). */
@FunctionalInterface
public interface SvidIssuanceListener {
  void issued(SpiffeId spiffeId, SpiffeId agentId, X509Certificate leaf);

  SvidIssuanceListener NONE = (spiffeId, agentId, leaf) -> {};

  /** Tells this listener, then {@code next}; a failure of one is logged and does not stop the other. */
  default SvidIssuanceListener andThen(SvidIssuanceListener next) {
    return (spiffeId, agentId, leaf) -> {
      Listeners.isolated("svid issued", () -> issued(spiffeId, agentId, leaf));
      Listeners.isolated("svid issued", () -> next.issued(spiffeId, agentId, leaf));
    };
  }
}
