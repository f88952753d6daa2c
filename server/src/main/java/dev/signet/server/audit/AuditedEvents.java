package dev.signet.server.audit;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.api.agent.AgentLifecycleListener;
import dev.signet.server.api.svid.SvidIssuanceListener;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit records of what a call did, beside the record of the call itself: which agent an attestation
 * established (and by which attestor), which agent was evicted or banned, and which SPIFFE ID an X509-SVID
 * was issued for (serial, expiry) to which agent, and which downstream server got an intermediate CA.
 */
public final class AuditedEvents implements AgentLifecycleListener, SvidIssuanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(AuditedEvents.class);

  private final AuditTrail trail;

  public AuditedEvents(AuditTrail trail) {
    this.trail = trail;
  }

  @Override
  public void attested(SpiffeId agentId, String attestationType, boolean again) {
    write(agentId.toString(), again ? "agent.reattest" : "agent.attest", "attestor=" + attestationType);
  }

  @Override
  public void evicted(SpiffeId agentId) {
    write(agentId.toString(), "agent.evict", "");
  }

  @Override
  public void banned(SpiffeId agentId) {
    write(agentId.toString(), "agent.ban", "");
  }

  @Override
  public void issued(SpiffeId spiffeId, SpiffeId agentId, BigInteger serialNumber, Instant notAfter) {
    write(agentId.toString(), "svid.x509.issue", "spiffe_id=" + spiffeId + " serial="
        + serialNumber.toString(16) + " not_after=" + notAfter);
  }

  @Override
  public void downstreamCaIssued(SpiffeId downstreamId, X509Certificate ca) {
    write(downstreamId.toString(), "ca.x509.downstream.issue", "serial=" + ca.getSerialNumber().toString(16)
        + " not_after=" + ca.getNotAfter().toInstant());
  }

  private void write(String actor, String action, String reason) {
    try {
      trail.append(actor, action, "ok", reason, "");
    } catch (IOException e) {
      LOG.error("audit record {} of {} not written to {}", action, actor, trail.file(), e);
    }
  }
}
