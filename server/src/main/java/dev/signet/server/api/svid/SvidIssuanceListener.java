package dev.signet.server.api.svid;

import dev.signet.common.spiffe.SpiffeId;
import java.security.cert.X509Certificate;

/** Told about every X509-SVID the SVID API signs for an agent's workload (the trust scores listen). */
@FunctionalInterface
public interface SvidIssuanceListener {
  void issued(SpiffeId spiffeId, SpiffeId agentId, X509Certificate leaf);

  SvidIssuanceListener NONE = (spiffeId, agentId, leaf) -> {};

  /** Tells this listener, then {@code next}. */
  default SvidIssuanceListener andThen(SvidIssuanceListener next) {
    return (spiffeId, agentId, leaf) -> {
      issued(spiffeId, agentId, leaf);
      next.issued(spiffeId, agentId, leaf);
    };
  }
}
