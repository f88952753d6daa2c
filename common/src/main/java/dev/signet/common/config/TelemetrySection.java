package dev.signet.common.config;

import dev.signet.common.telemetry.PrometheusListener;
import dev.signet.common.telemetry.TelemetryConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SPIRE's {@code telemetry {}} block. {@code Prometheus { host port }} is served (host defaults to
 * {@code localhost}, the port is required) and {@code MetricPrefix} honoured; the other sinks ({@code DogStatsd},
 * {@code Statsd}, {@code M3}, {@code InMem}) are accepted without effect. As in SPIRE, an unknown key inside a
 * sink is refused; the block's own keys are SPIRE's list, and other keys at its top level pass, as SPIRE lets
 * them pass.
 */
public final class TelemetrySection {
  private static final List<String> TOP_LEVEL = List.of("EnableTrustDomainLabel",
      "EnableHostnameLabel", "AllowedPrefixes", "BlockedPrefixes", "AllowedLabels", "BlockedLabels");

  private TelemetrySection() {}

  /** Checks the block and returns what it asks for ({@link TelemetryConfig#NONE} when absent). */
  public static TelemetryConfig parse(ConfigSection root) {
    if (!root.has("telemetry")) {
      return TelemetryConfig.NONE;
    }
    ConfigSection telemetry = root.section("telemetry");
    Optional<PrometheusListener> prometheus = prometheus(telemetry);
    List<String> inert = new ArrayList<>();
    for (String name : List.of("DogStatsd", "Statsd", "M3", "InMem")) {
      List<ConfigSection> sinks = telemetry.sections(name);
      for (ConfigSection sink : sinks) {
        switch (name) {
          case "M3" -> List.of("address", "env").forEach(sink::accept);
          case "InMem" -> { }
          default -> sink.accept("address");
        }
        sink.requireNoUnknownKeys();
      }
      if (!sinks.isEmpty()) {
        inert.add(name);
      }
    }
    Optional<String> prefix = telemetry.getString("MetricPrefix").filter(p -> !p.isEmpty());
    TOP_LEVEL.forEach(telemetry::accept);
    telemetry.keys().forEach(telemetry::accept);
    return new TelemetryConfig(prometheus, prefix, inert);
  }

  private static Optional<PrometheusListener> prometheus(ConfigSection telemetry) {
    List<ConfigSection> blocks = telemetry.sections("Prometheus");
    if (blocks.size() > 1) {
      throw new ConfigException("telemetry.Prometheus: block appears " + blocks.size() + " times; expected once");
    }
    if (blocks.isEmpty()) {
      return Optional.empty();
    }
    ConfigSection block = blocks.getFirst();
    String host = block.getString("host", PrometheusListener.DEFAULT_HOST);
    boolean given = block.has("port");
    long port = block.getLong("port", 0);
    block.requireNoUnknownKeys();
    if (!given) {
      throw new ConfigException("telemetry.Prometheus.port: is required");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException("telemetry.Prometheus.port: " + port + " is not a port (0-65535)");
    }
    return Optional.of(new PrometheusListener(host.isEmpty() ? PrometheusListener.DEFAULT_HOST : host, (int) port));
  }
}
