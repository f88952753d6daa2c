package dev.signet.server.telemetry;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.telemetry.MetricNames;
import dev.signet.common.telemetry.Metrics;
import dev.signet.server.api.agent.AgentLifecycleListener;
import io.grpc.Status;

/**
 * Node attestations by attestor and result ({@code node_attestations{attestor,status}}), evictions and bans: what
 * SPIRE's {@code rpc_agent_v1_agent_attest_agent} call counter says, broken down by the attestor. A refused
 * attestation whose type the server does not have is labelled {@code attestor=""}, so a caller cannot create
 * series at will.
 */
public final class NodeAttestationMetrics implements AgentLifecycleListener {
  private final Metrics metrics;

  public NodeAttestationMetrics(Metrics metrics) {
    this.metrics = metrics;
    metrics.declare("agent_evictions");
    metrics.declare("agent_bans");
  }

  @Override
  public void attested(SpiffeId agentId, String attestationType, boolean again) {
    metrics.increment("node_attestations", "attestor", attestationType, "status", MetricNames.status(Status.Code.OK));
  }

  @Override
  public void refused(String attestationType, Status.Code code) {
    metrics.increment("node_attestations", "attestor", attestationType, "status", MetricNames.status(code));
  }

  @Override
  public void evicted(SpiffeId agentId) {
    metrics.increment("agent_evictions");
  }

  @Override
  public void banned(SpiffeId agentId) {
    metrics.increment("agent_bans");
  }
}
