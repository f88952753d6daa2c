package dev.signet.agent.helper;

import java.util.Objects;

/**
 * spiffe-helper's {@code health_checks { listener_enabled bind_port liveness_path readiness_path }}: an HTTP
 * listener on every interface (as spiffe-helper's {@code :port}) that answers 200 while every configured file was
 * last written successfully. Only used in daemon mode.
 */
public record HelperHealthChecks(boolean enabled, int bindPort, String livenessPath, String readinessPath) {
  static final HelperHealthChecks DISABLED = new HelperHealthChecks(false, 8081, "/live", "/ready");

  public HelperHealthChecks {
    Objects.requireNonNull(livenessPath, "livenessPath");
    Objects.requireNonNull(readinessPath, "readinessPath");
  }
}
