package dev.signet.server.api.agent;

import io.grpc.Status;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.api.Listeners;

/** Told about what happens to agents through the Agent API (the trust scores listen). */
public interface AgentLifecycleListener {
  /** An agent attested; {@code again} when it was already known (re-attestation). */
  void attested(SpiffeId agentId, String attestationType, boolean again);

  /** An agent was evicted (deleted); it may attest again. */
  void evicted(SpiffeId agentId);

  /** An agent was banned. */
  void banned(SpiffeId agentId);

  /**
   * An attestation was refused (or failed) with {@code code}; {@code attestationType} is one of the server's
   * node attestors, or empty when the caller named none the server has (callers choose that string freely).
   */
  default void refused(String attestationType, Status.Code code) {}

  /** Tells {@code first}, then {@code second}; a failure of one is logged and does not stop the other. */
  static AgentLifecycleListener both(AgentLifecycleListener first, AgentLifecycleListener second) {
    return new AgentLifecycleListener() {
      @Override
      public void attested(SpiffeId agentId, String attestationType, boolean again) {
        Listeners.isolated("agent attested", () -> first.attested(agentId, attestationType, again));
        Listeners.isolated("agent attested", () -> second.attested(agentId, attestationType, again));
      }

      @Override
      public void evicted(SpiffeId agentId) {
        Listeners.isolated("agent evicted", () -> first.evicted(agentId));
        Listeners.isolated("agent evicted", () -> second.evicted(agentId));
      }

      @Override
      public void banned(SpiffeId agentId) {
        Listeners.isolated("agent banned", () -> first.banned(agentId));
        Listeners.isolated("agent banned", () -> second.banned(agentId));
      }

      @Override
      public void refused(String attestationType, Status.Code code) {
        Listeners.isolated("attestation refused", () -> first.refused(attestationType, code));
        Listeners.isolated("attestation refused", () -> second.refused(attestationType, code));
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
