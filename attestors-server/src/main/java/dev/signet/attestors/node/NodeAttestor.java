package dev.signet.attestors.node;

import dev.signet.common.spiffe.TrustDomain;

/**
 * The server half of a node attestor: checks what an agent presents and names the agent.
 *
 * <p>Implementations are keyed by SPIRE's plugin name ({@link #name()}, e.g. {@code join_token}); the
 * server picks one by the {@code type} of the agent's attestation data. An implementation may ask the
 * agent any number of challenges through the {@link Challenger} before it decides.
 */
public interface NodeAttestor {
  /** SPIRE's plugin name, also the attestation data type the agent sends. */
  String name();

  /**
   * Attests one agent.
   *
   * @param trustDomain the server's trust domain (agent IDs are minted in it)
   * @param payload the attestation payload the agent sent, never null
   * @param challenger round trips to the agent for challenge/response attestors
   * @return the agent's identity and node selectors
   * @throws AttestationException with the failure kind the caller maps to a gRPC status
   */
  AttestResult attest(TrustDomain trustDomain, byte[] payload, Challenger challenger);
}
