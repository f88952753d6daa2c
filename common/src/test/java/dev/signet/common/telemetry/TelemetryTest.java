package dev.signet.common.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Prometheus listener serves what is recorded under the prefix; without one nothing of Micrometer loads. */
class TelemetryTest {
  private static final TelemetryConfig LOOPBACK = new TelemetryConfig(
      Optional.of(new PrometheusListener("127.0.0.1", 0)), Optional.empty(), List.of("Statsd"));

  private static HttpResponse<String> get(Telemetry telemetry, String path, String method) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + telemetry.address().getPort() + path);
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).method(method,
        HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesCountersCallsAndGaugesUnderTheServicePrefix() throws Exception {
    try (Telemetry telemetry = Telemetry.start(LOOPBACK, "spire_agent", "example.org")) {
      Metrics metrics = telemetry.metrics();
      metrics.increment("agent_svid_rotate", "kind", "renew");
      metrics.call("rpc_workload_api_fetch_x509svid", Status.Code.OK, 2_000_000);
      metrics.call("rpc_workload_api_fetch_x509svid", Status.Code.PERMISSION_DENIED, 1_000_000);
      metrics.gauge("lru_cache_record_map_size", () -> 3);
      metrics.declareCall("manager_sync_fetch_entries_updates");
      metrics.declare("workload_api_connection");

      HttpResponse<String> scrape = get(telemetry, "/metrics", "GET");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).contains(MetricsHttpServer.CONTENT_TYPE);
      assertThat(scrape.body())
          .contains("spire_agent_agent_svid_rotate_total{kind=\"renew\"} 1.0")
          .contains("spire_agent_rpc_workload_api_fetch_x509svid_total{status=\"OK\"} 1.0")
          .contains("spire_agent_rpc_workload_api_fetch_x509svid_total{status=\"PermissionDenied\"} 1.0")
          .contains("spire_agent_rpc_workload_api_fetch_x509svid_elapsed_time_seconds_count{status=\"OK\"} 1")
          .contains("spire_agent_lru_cache_record_map_size 3.0")
          .contains("spire_agent_manager_sync_fetch_entries_updates_total{status=\"OK\"} 0.0")
          .contains("spire_agent_manager_sync_fetch_entries_updates_elapsed_time_seconds_count{status=\"OK\"} 0")
          .contains("spire_agent_workload_api_connection_total 0.0")
          .contains("spire_agent_started{trust_domain_id=\"example.org\",version=")
          .contains("spire_agent_uptime_in_ms ");
      assertThat(get(telemetry, "/other", "GET").statusCode()).isEqualTo(404);
      assertThat(get(telemetry, "/metrics", "POST").statusCode()).isEqualTo(405);
    }
  }

  /** Micrometer holds a gauge's object weakly: a lambda only the registry holds must survive collections. */
  @Test
  void gaugesSurviveGarbageCollection() throws Exception {
    try (Telemetry telemetry = Telemetry.start(LOOPBACK, "spire_agent", "example.org")) {
      telemetry.metrics().gauge("lru_cache_svid_map_size", () -> 7);
      for (int i = 0; i < 5; i++) {
        System.gc();
      }
      assertThat(get(telemetry, "/metrics", "GET").body()).contains("spire_agent_lru_cache_svid_map_size 7.0")
          .doesNotContain("NaN");
    }
  }

  @Test
  void metricPrefixReplacesTheServiceName() throws Exception {
    TelemetryConfig prefixed = new TelemetryConfig(LOOPBACK.prometheus(), Optional.of("edge.fleet"), List.of());
    try (Telemetry telemetry = Telemetry.start(prefixed, "spire_agent", "example.org")) {
      telemetry.metrics().increment("agent_svid_rotate");
      assertThat(get(telemetry, "/metrics", "GET").body()).contains("edge_fleet_agent_svid_rotate_total 1.0")
          .doesNotContain("spire_agent_");
    }
  }

  @Test
  void withoutPrometheusNothingIsServedAndNothingIsRecorded() throws IOException {
    try (Telemetry telemetry = Telemetry.start(TelemetryConfig.NONE, "spire_agent", "example.org")) {
      assertThat(telemetry.metrics()).isSameAs(Metrics.NONE);
      assertThat(telemetry.address()).isNull();
    }
  }

  /** The agent's footprint: no Prometheus block, no Micrometer class (checked in a class loader of its own). */
  @Test
  void withoutPrometheusNoMicrometerClassIsLoaded() throws Exception {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      urls.add(Path.of(entry).toUri().toURL());
    }
    try (Isolated loader = new Isolated(urls.toArray(URL[]::new))) {
      Class<?> telemetry = loader.loadClass(Telemetry.class.getName());
      Class<?> config = loader.loadClass(TelemetryConfig.class.getName());
      Object none = config.getField("NONE").get(null);
      Object started = telemetry.getMethod("start", config, String.class, String.class)
          .invoke(null, none, "spire_agent", "example.org");
      Object metrics = telemetry.getMethod("metrics").invoke(started);
      loader.loadClass(Metrics.class.getName()).getMethod("increment", String.class, String[].class)
          .invoke(metrics, "agent_svid_rotate", new String[0]);

      assertThat(loader.loaded(Telemetry.class.getName())).isTrue(); // the check can see what it looks for
      assertThat(loader.loaded("io.micrometer.core.instrument.MeterRegistry")).isFalse();
      assertThat(loader.loaded("io.micrometer.prometheusmetrics.PrometheusMeterRegistry")).isFalse();
      assertThat(loader.loaded(PrometheusMetrics.class.getName())).isFalse();
      assertThat(loader.loaded(MetricsHttpServer.class.getName())).isFalse();
    }
  }

  /** Loads classes itself (parent: the platform loader) and tells which it loaded. */
  private static final class Isolated extends URLClassLoader {
    Isolated(URL[] urls) {
      super(urls, ClassLoader.getPlatformClassLoader());
    }

    boolean loaded(String name) {
      return findLoadedClass(name) != null;
    }
  }
}
