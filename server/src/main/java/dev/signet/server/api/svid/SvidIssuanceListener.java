package dev.signet.server.api.svid;

import dev.signet.common.spiffe.SpiffeId;
import java.security.cert.X509Certificate;

/** Told about every X509-SVID the SVID API signs for an agent's workload (the trust scores listen). */
@FunctionalInterface
public interface SvidIssuanceListener {
  void issued(SpiffeId spiffeId, SpiffeId agentId, X509Certificate leaf);

  SvidIssuanceListener NONE = (spiffeId, agentId, leaf) -> {};
}
