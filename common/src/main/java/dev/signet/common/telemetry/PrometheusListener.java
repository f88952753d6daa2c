package dev.signet.common.telemetry;

import dev.signet.common.config.ConfigException;
import java.util.Objects;

/**
 * SPIRE's {@code telemetry { Prometheus { host port } }}: where {@code GET /metrics} is served. As in SPIRE the
 * host defaults to {@code localhost}; the port has no useful default, so it must be given (0 lets the system
 * choose one, which is logged).
 */
public record PrometheusListener(String host, int port) {
  /** SPIRE's default host. */
  public static final String DEFAULT_HOST = "localhost";

  public PrometheusListener {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new ConfigException("telemetry.Prometheus.host: must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException("telemetry.Prometheus.port: " + port + " is not a port (0-65535)");
    }
  }

  /** Whether the listener is reachable from other hosts (SPIRE warns about it too). */
  public boolean remote() {
    return !host.equals("localhost") && !host.equals("127.0.0.1") && !host.equals("::1");
  }
}
