package dev.signet.common.telemetry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The checked {@code telemetry {}} block: the Prometheus listener if one is asked for, SPIRE's
 * {@code MetricPrefix} (empty: the service's own, {@code spire_server} or {@code spire_agent}), and the sinks
 * that are accepted for compatibility but have no effect ({@code DogStatsd}, {@code Statsd}, {@code M3},
 * {@code InMem}).
 */
public record TelemetryConfig(Optional<PrometheusListener> prometheus, Optional<String> metricPrefix,
    List<String> inertSinks) {
  /** No {@code telemetry {}} block: nothing is measured, nothing is served. */
  public static final TelemetryConfig NONE = new TelemetryConfig(Optional.empty(), Optional.empty(), List.of());

  public TelemetryConfig {
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(metricPrefix, "metricPrefix");
    inertSinks = List.copyOf(inertSinks);
  }

  /** The one warning the inert sinks deserve, or empty when there are none. */
  public Optional<String> inertSinksWarning() {
    return inertSinks.isEmpty() ? Optional.empty()
        : Optional.of("telemetry " + String.join(", ", inertSinks) + " accepted for SPIRE compatibility and has no "
            + "effect in signet (only Prometheus is served)");
  }
}
