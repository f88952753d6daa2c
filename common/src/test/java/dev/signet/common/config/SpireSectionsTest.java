package dev.signet.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.telemetry.TelemetryConfig;
import org.junit.jupiter.api.Test;

/** {@code telemetry {}} and {@code health_checks {}} refuse the unknown keys SPIRE refuses, and pass what it passes. */
class SpireSectionsTest {

  @Test
  void telemetrySinksRefuseUnknownKeys() {
    ConfigSection ok = HclDocument.parse("""
        telemetry {
          Prometheus { host = "localhost" port = 9988 }
          DogStatsd = [{ address = "localhost:8125" }]
          Statsd = [{ address = "localhost:1337" }, { address = "collector:8125" }]
          M3 = [{ address = "localhost:9000" env = "prod" }]
          InMem {}
          MetricPrefix = "signet"
          AllowedLabels = ["a"]
          SomethingSpireIgnores = true
        }
        """).root();
    assertThat(TelemetrySection.parse(ok).prometheus()).isPresent();
    ok.requireNoUnknownKeys();

    ConfigSection typo = HclDocument.parse("telemetry { Prometheus { hots = \"localhost\" port = 1 } }").root();
    assertThatThrownBy(() -> TelemetrySection.parse(typo)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("telemetry.Prometheus.hots");
    ConfigSection inStatsd = HclDocument.parse("telemetry { Statsd = [{ adress = \"x\" }] }").root();
    assertThatThrownBy(() -> TelemetrySection.parse(inStatsd)).hasMessageContaining("adress");
    ConfigSection inMem = HclDocument.parse("telemetry { InMem { enabled = true } }").root();
    assertThatThrownBy(() -> TelemetrySection.parse(inMem)).hasMessageContaining("enabled");
    assertThat(TelemetrySection.parse(HclDocument.parse("a = 1").root())).isEqualTo(TelemetryConfig.NONE);
  }

  @Test
  void healthChecksRefuseUnknownKeysEvenWhenTheListenerIsOff() {
    ConfigSection on = HclDocument.parse("health_checks { listener_enabled = true bind_port = 8080 live_path = \"/l\" }")
        .root();
    assertThat(HealthChecks.parse(on)).isEqualTo(new HealthChecks("localhost", 8080, "/l", "/ready"));
    on.requireNoUnknownKeys();
    ConfigSection off = HclDocument.parse("health_checks { listener_enabled = false bind_port = 8080 }").root();
    assertThat(HealthChecks.parse(off)).isNull();
    off.requireNoUnknownKeys();

    ConfigSection typo = HclDocument.parse("health_checks { listener_enabled = false bind_prot = 8080 }").root();
    HealthChecks.parse(typo);
    assertThatThrownBy(typo::requireNoUnknownKeys).hasMessageContaining("health_checks.bind_prot");
  }
}
