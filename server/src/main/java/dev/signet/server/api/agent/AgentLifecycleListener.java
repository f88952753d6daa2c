package dev.signet.server.api.agent;

import dev.signet.common.spiffe.SpiffeId;

/** Told about what happens to agents through the Agent API (the trust scores listen). */
public interface AgentLifecycleListener {
  /** An agent attested; {@code again} when it was already known (re-attestation). */
  void attested(SpiffeId agentId, String attestationType, boolean again);

  /** An agent was evicted (deleted); it may attest again. */
  void evicted(SpiffeId agentId);

  /** An agent was banned. */
  void banned(SpiffeId agentId);

  /** Listens to nothing. */
  AgentLifecycleListener NONE = new AgentLifecycleListener() {
    @Override
    public void attested(SpiffeId agentId, String attestationType, boolean again) {}

    @Override
    public void evicted(SpiffeId agentId) {}

    @Override
    public void banned(SpiffeId agentId) {}
  };
}
