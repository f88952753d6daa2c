package dev.signet.agent.health;

import dev.signet.common.config.HealthChecks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.agent.config.AgentConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP health listener on an ephemeral loopback port. */
class HealthHttpServerTest {
  private final AtomicReference<HealthHttpServer.Status> status =
      new AtomicReference<>(new HealthHttpServer.Status(true, false, "agent has not synced with the server yet"));
  private final HttpClient client = HttpClient.newHttpClient();
  private HealthHttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = HealthHttpServer.start(new HealthChecks("127.0.0.1", 0, "/live", "/ready"), status::get);
  }

  @AfterEach
  void stop() {
    server.close();
    client.close();
  }

  private HttpResponse<String> get(String path, String method) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
    return client.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void liveButNotReadyBeforeTheFirstSync() throws Exception {
    HttpResponse<String> live = get("/live", "GET");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("{\"live\":true}");
    assertThat(live.headers().firstValue("Content-Type")).contains("application/json");

    HttpResponse<String> ready = get("/ready", "GET");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("{\"ready\":false,\"reason\":\"agent has not synced with the server yet\"}");
  }

  @Test
  void readyOnceSyncedAndNeitherOnceStopped() throws Exception {
    status.set(new HealthHttpServer.Status(true, true, null));
    assertThat(get("/ready", "GET").statusCode()).isEqualTo(200);
    assertThat(get("/ready", "GET").body()).isEqualTo("{\"ready\":true}");
    assertThat(get("/ready", "HEAD").statusCode()).isEqualTo(200);

    status.set(new HealthHttpServer.Status(false, true, "agent \"stopped\""));
    assertThat(get("/live", "GET").statusCode()).isEqualTo(503);
    HttpResponse<String> ready = get("/ready", "GET");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("{\"ready\":false,\"reason\":\"agent \\\"stopped\\\"\"}");
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(get("/", "GET").statusCode()).isEqualTo(404);
    assertThat(get("/live/x", "GET").statusCode()).isEqualTo(404);
    HttpResponse<String> post = get("/live", "POST");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void theTwoPathsMustDiffer() {
    assertThatThrownBy(() -> HealthHttpServer.start(new HealthChecks("127.0.0.1", 0, "/h", "/h"),
        status::get)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"/h\"");
  }
}
