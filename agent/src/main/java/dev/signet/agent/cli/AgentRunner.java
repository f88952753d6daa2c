package dev.signet.agent.cli;

/**
 * What {@code signet-agent run} does once its flags are parsed: load the config, attest the node, sync and
 * serve the Workload API until stopped. Supplied by the agent's wiring; {@link AgentMain} knows only this.
 */
@FunctionalInterface
public interface AgentRunner {
  /** Runs the agent; returns the process exit code. */
  int run(RunOptions options) throws Exception;
}
