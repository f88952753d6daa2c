package dev.signet.server.api.svid;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.api.Listeners;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * Told about every X509-SVID the SVID API signs for an agent's workload (the trust scores listen), and about
 * every intermediate CA it signs for a downstream server (the audit trail records those).
 */
@FunctionalInterface
public interface SvidIssuanceListener {
  /** {@code agentId} got an X509-SVID for {@code spiffeId} with this serial number, valid until {@code notAfter}. */
  void issued(SpiffeId spiffeId, SpiffeId agentId, BigInteger serialNumber, Instant notAfter);

  /** A downstream server ({@code downstreamId}, the SPIFFE ID of its X509-SVID) got the intermediate {@code ca}. */
  default void downstreamCaIssued(SpiffeId downstreamId, X509Certificate ca) {}

  SvidIssuanceListener NONE = (spiffeId, agentId, serialNumber, notAfter) -> {};

  /** Tells this listener, then {@code next}; a failure of one is logged and does not stop the other. */
  default SvidIssuanceListener andThen(SvidIssuanceListener next) {
    SvidIssuanceListener first = this;
    return new SvidIssuanceListener() {
      @Override
      public void issued(SpiffeId spiffeId, SpiffeId agentId, BigInteger serialNumber, Instant notAfter) {
        Listeners.isolated("svid issued", () -> first.issued(spiffeId, agentId, serialNumber, notAfter));
        Listeners.isolated("svid issued", () -> next.issued(spiffeId, agentId, serialNumber, notAfter));
      }

      @Override
      public void downstreamCaIssued(SpiffeId downstreamId, X509Certificate ca) {
        Listeners.isolated("downstream ca issued", () -> first.downstreamCaIssued(downstreamId, ca));
        Listeners.isolated("downstream ca issued", () -> next.downstreamCaIssued(downstreamId, ca));
      }
    };
  }
}
