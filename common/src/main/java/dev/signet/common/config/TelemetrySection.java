package dev.signet.common.config;

import java.util.List;

/**
 * SPIRE's {@code telemetry {}} block, accepted for compatibility (Signet's metrics have their own settings). As in
 * SPIRE, an unknown key inside a sink ({@code Prometheus}, {@code DogStatsd}, {@code Statsd}, {@code M3},
 * {@code InMem}) is refused; the block's own keys are SPIRE's list, and other keys at its top level pass, as SPIRE
 * lets them pass.
 */
public final class TelemetrySection {
  private static final List<String> TOP_LEVEL = List.of("MetricPrefix", "EnableTrustDomainLabel",
      "EnableHostnameLabel", "AllowedPrefixes", "BlockedPrefixes", "AllowedLabels", "BlockedLabels");

  private TelemetrySection() {}

  /** Checks the block; returns whether it is present. Marks every key it holds as read. */
  public static boolean check(ConfigSection root) {
    if (!root.has("telemetry")) {
      return false;
    }
    ConfigSection telemetry = root.section("telemetry");
    sink(telemetry.sections("Prometheus"), "host", "port");
    sink(telemetry.sections("DogStatsd"), "address");
    sink(telemetry.sections("Statsd"), "address");
    sink(telemetry.sections("M3"), "address", "env");
    sink(telemetry.sections("InMem"));
    TOP_LEVEL.forEach(telemetry::accept);
    telemetry.keys().forEach(telemetry::accept);
    return true;
  }

  private static void sink(List<ConfigSection> sections, String... keys) {
    for (ConfigSection sink : sections) {
      for (String key : keys) {
        sink.accept(key);
      }
      sink.requireNoUnknownKeys();
    }
  }
}
