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

  /** Tells {@code first}, then {@code second}. */
  static AgentLifecycleListener both(AgentLifecycleListener first, AgentLifecycleListener second) {
    return new AgentLifecycleListener() {
      @Override
      public void attested(SpiffeId agentId, String attestationType, boolean again) {
        first.attested(agentId, attestationType, again);
        second.attested(agentId, attestationType, again);
      }

      @Override
      public void evicted(SpiffeId agentId) {
        first.evicted(agentId);
        second.evicted(agentId);
      }

      @Override
      public void banned(SpiffeId agentId) {
        first.banned(agentId);
        second.banned(agentId);
      }
    };
  }

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
