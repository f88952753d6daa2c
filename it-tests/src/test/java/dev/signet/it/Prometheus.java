package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** Reads a daemon's {@code telemetry { Prometheus {} }} listener: a scrape, and sums of its samples. */
public final class Prometheus {
  private Prometheus() {}

  /** {@code GET /metrics} on 127.0.0.1:{@code port}: 200 with a text exposition. */
  public static String scrape(int port) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scrape 127.0.0.1:" + port, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scraping", e);
    }
  }

  /**
   * The sum of the samples of {@code series}: a name (every sample of it) or a name with its first labels in the
   * exposition's (alphabetical) order, {@code name{a="x"}} (every sample whose labels start so).
   */
  public static double sum(String exposition, String series) {
    List<String> starts = series.endsWith("}")
        ? List.of(series + " ", series.substring(0, series.length() - 1) + ",")
        : List.of(series + " ", series + "{");
    return exposition.lines().filter(line -> starts.stream().anyMatch(line::startsWith))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  /** The {@code Prometheus} telemetry block listening on 127.0.0.1:{@code port}. */
  public static String telemetryBlock(int port) {
    return "telemetry {\n  Prometheus {\n    host = \"127.0.0.1\"\n    port = " + port + "\n  }\n}\n";
  }
}
