package dev.signet.common.config;

/**
 * SPIRE's {@code health_checks { listener_enabled, bind_address, bind_port, live_path, ready_path }}, the same
 * block for server and agent. Every key is read whether the listener is on or off, so a misspelt key is refused
 * either way, as SPIRE refuses it.
 */
public record HealthChecks(String bindAddress, int bindPort, String livePath, String readyPath) {

  /** The listener the block asks for, or null when the block is absent or {@code listener_enabled} is false. */
  public static HealthChecks parse(ConfigSection root) {
    if (!root.has("health_checks")) {
      return null;
    }
    ConfigSection health = root.section("health_checks");
    boolean enabled = health.getBool("listener_enabled", false);
    HealthChecks listener = new HealthChecks(health.getString("bind_address", "localhost"),
        health.getInt("bind_port", 80), health.getString("live_path", "/live"), health.getString("ready_path", "/ready"));
    return enabled ? listener : null;
  }
}
