package dev.signet.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThat(TelemetrySection.check(ok)).isTrue();
    ok.requireNoUnknownKeys();

    ConfigSection typo = HclDocument.parse("telemetry { Prometheus { hots = \"localhost\" } }").root();
    assertThatThrownBy(() -> TelemetrySection.check(typo)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("telemetry.Prometheus.hots");
    ConfigSection inStatsd = HclDocument.parse("telemetry { Statsd = [{ adress = \"x\" }] }").root();
    assertThatThrownBy(() -> TelemetrySection.check(inStatsd)).hasMessageContaining("adress");
    ConfigSection inMem = HclDocument.parse("telemetry { InMem { enabled = true } }").root();
    assertThatThrownBy(() -> TelemetrySection.check(inMem)).hasMessageContaining("enabled");
    assertThat(TelemetrySection.check(HclDocument.parse("a = 1").root())).isFalse();
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
