package dev.signet.common.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.HclDocument;
import dev.signet.common.config.TelemetrySection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code telemetry { Prometheus { host port } MetricPrefix }} as SPIRE reads it, and the ports it refuses. */
class TelemetryConfigTest {
  private static TelemetryConfig parse(String hcl) {
    return TelemetrySection.parse(HclDocument.parse(hcl).root());
  }

  @Test
  void hostDefaultsToLocalhostAsInSpire() {
    TelemetryConfig config = parse("telemetry { Prometheus { port = 9988 } }");
    assertThat(config.prometheus()).contains(new PrometheusListener("localhost", 9988));
    assertThat(config.metricPrefix()).isEmpty();
    assertThat(config.inertSinksWarning()).isEmpty();
    assertThat(config.prometheus().get().remote()).isFalse();
  }

  @Test
  void hostPortAndPrefixAreTaken() {
    TelemetryConfig config = parse("""
        telemetry {
          Prometheus { host = "0.0.0.0" port = 9988 }
          MetricPrefix = "edge"
        }
        """);
    assertThat(config.prometheus()).contains(new PrometheusListener("0.0.0.0", 9988));
    assertThat(config.prometheus().get().remote()).isTrue();
    assertThat(config.metricPrefix()).contains("edge");
  }

  @Test
  void otherSinksAreInertAndNamedInOneWarning() {
    TelemetryConfig config = parse("""
        telemetry {
          DogStatsd = [{ address = "localhost:8125" }]
          Statsd = [{ address = "a:1" }, { address = "b:2" }]
          InMem {}
        }
        """);
    assertThat(config.prometheus()).isEmpty();
    assertThat(config.inertSinks()).isEqualTo(List.of("DogStatsd", "Statsd", "InMem"));
    assertThat(config.inertSinksWarning()).get().asString()
        .contains("DogStatsd, Statsd, InMem").contains("no effect");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 65536, 100000})
  void aPortOutOfRangeIsRefusedQuotingIt(int port) {
    assertThatThrownBy(() -> parse("telemetry { Prometheus { port = " + port + " } }"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("telemetry.Prometheus.port: " + port + " is not a port (0-65535)");
  }

  @Test
  void aMissingOrMistypedPortIsRefused() {
    assertThatThrownBy(() -> parse("telemetry { Prometheus { host = \"localhost\" } }"))
        .isInstanceOf(ConfigException.class).hasMessage("telemetry.Prometheus.port: is required");
    assertThatThrownBy(() -> parse("telemetry { Prometheus { port = \"http\" } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("telemetry.Prometheus.port");
    assertThatThrownBy(() -> parse("telemetry { Prometheus { port = 1 } Prometheus { port = 2 } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("telemetry.Prometheus");
  }

  @ParameterizedTest
  @CsvSource({"spire_server, spire_server", "my.prefix, my_prefix", "9lives, _9lives", "a-b, a_b"})
  void prefixesBecomePrometheusNames(String given, String expected) {
    assertThat(MetricNames.prefix(given)).isEqualTo(expected);
  }

  @Test
  void noBlockIsNone() {
    assertThat(parse("a = 1")).isEqualTo(TelemetryConfig.NONE);
    assertThat(TelemetryConfig.NONE.prometheus()).isEqualTo(Optional.empty());
  }
}
