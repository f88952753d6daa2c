package dev.signet.attestors.node;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import java.util.List;
import java.util.Objects;

/**
 * What a successful node attestation establishes.
 *
 * @param agentId the agent's SPIFFE ID ({@code spiffe://td/spire/agent/<attestor>/<unique>})
 * @param selectors node selectors, used to match node-alias entries
 * @param canReattest whether the agent may attest again with fresh evidence instead of renewing
 */
public record AttestResult(SpiffeId agentId, List<Selector> selectors, boolean canReattest) {
  public AttestResult {
    Objects.requireNonNull(agentId, "agentId");
    selectors = List.copyOf(selectors);
  }
}
