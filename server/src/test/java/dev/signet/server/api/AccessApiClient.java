package dev.signet.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.svid.v1.MintJWTSVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/** A test client of the access API over real HTTP, with JWT-SVIDs the fixture's server mints. */
final class AccessApiClient {
  static final String AUDIENCE = "signet-access";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final ServerFixture fixture;

  AccessApiClient(ServerFixture fixture) {
    this.fixture = fixture;
  }

  /** {@code Bearer <JWT-SVID>} for {@code id} with {@code audience}. */
  String bearer(SpiffeId id, String audience) {
    return "Bearer " + SVIDGrpc.newBlockingStub(fixture.admin).withDeadlineAfter(20, TimeUnit.SECONDS)
        .mintJWTSVID(MintJWTSVIDRequest.newBuilder().setId(ServerFixture.id(id)).addAudience(audience).setTtl(300)
            .build()).getSvid().getToken();
  }

  HttpResponse<String> get(String pathAndQuery, String bearer) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    if (bearer != null) {
      request.header("Authorization", bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body, String bearer) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + fixture.accessApiPort() + pathAndQuery);
  }
}
