package dev.signet.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.telemetry.MetricsHttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gateway's meters through the shared Prometheus listener ({@link MetricsHttpServer}). */
class GatewayMetricsScrapeTest {
  @Test
  void servesEveryGatewayMeterInThePrometheusFormat() throws Exception {
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.connectionOpened("api");
    metrics.handshakeFailed("api", "not_tls");
    metrics.handshakeSucceeded("api", Duration.ofMillis(3));
    metrics.decision("api", "deny");
    metrics.bytes("api", "in", 42);
    metrics.request("api", 200, Duration.ofMillis(5));
    try (MetricsHttpServer server = MetricsHttpServer.start(new InetSocketAddress("127.0.0.1", 0), metrics::scrape)) {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.address().getPort();
      HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("signet_gateway_connections_total{route=\"api\"} 1.0")
          .contains("signet_gateway_connections_open{route=\"api\"} 1.0")
          .contains("signet_gateway_handshake_failures_total{reason=\"not_tls\",route=\"api\"} 1.0")
          .contains("signet_gateway_decisions_total{outcome=\"deny\",route=\"api\"} 1.0")
          .contains("signet_gateway_bytes_total{direction=\"in\",route=\"api\"} 42.0")
          .contains("signet_gateway_handshake_seconds_count{route=\"api\"} 1")
          .contains("signet_gateway_request_seconds_count{route=\"api\",status=\"200\"} 1");
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/other")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }
  }
}
