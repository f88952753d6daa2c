package dev.signet.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.config.HclDocument;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.time.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The provider over plain HTTP on an ephemeral port, its keys from a {@link FakeKeySource}. */
class OidcDiscoveryServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeKeySource source = new FakeKeySource();
  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final HttpClient http = HttpClient.newHttpClient();
  private final JwtAuthority first = JwtAuthority.of("kid-a", KeyType.EC_P256.generate().getPublic());
  private final JwtAuthority rsa = JwtAuthority.of("kid-r", KeyType.RSA_2048.generate().getPublic());
  private OidcDiscoveryServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private OidcDiscoveryServer start(String extra) {
    OidcConfig config = OidcConfigLoader.parse(HclDocument.parse("""
        domains = ["localhost", "oidc.example.org"]
        insecure_addr = "127.0.0.1:0"
        server_api {
          address = "unix:///nonexistent.sock"
          poll_interval = "1h"
        }
        """ + extra));
    server = OidcDiscoveryServer.start(config, source, clock);
    return server;
  }

  private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A raw HTTP/1.1 request: the JDK client will not send a Host header of our choosing. Returns head and body. */
  private String rawGet(String path, String host) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.append((char) b);
      }
      int length = head.toString().lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
          .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
      return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theDiscoveryDocumentNamesTheRequestedHostAndTheKeysEndpoint() throws Exception {
    source.publish(first);
    start("allow_insecure_scheme = true\n");
    HttpResponse<String> response = get("/.well-known/openid-configuration");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode document = JSON.readTree(response.body());
    String base = "http://localhost:" + server.port();
    assertThat(document.get("issuer").asText()).isEqualTo(base);
    assertThat(document.get("jwks_uri").asText()).isEqualTo(base + "/keys");
    assertThat(document.get("authorization_endpoint").asText()).isEmpty();
    assertThat(document.get("response_types_supported")).containsExactly(JSON.valueToTree("id_token"));
    assertThat(document.get("subject_types_supported")).containsExactly(JSON.valueToTree("public"));
    assertThat(document.get("id_token_signing_alg_values_supported").toString()).isEqualTo("[\"RS256\",\"ES256\",\"ES384\"]");
  }

  @Test
  void withoutAllowInsecureSchemeTheUrlsAreHttpsAndAFixedIssuerIsKept() throws Exception {
    start("jwt_issuer = \"https://issuer.example.org\"\nserver_path_prefix = \"/oidc\"\n");
    JsonNode document = JSON.readTree(get("/oidc/.well-known/openid-configuration",
        "X-Forwarded-Host", "oidc.example.org").body());
    assertThat(document.get("issuer").asText()).isEqualTo("https://issuer.example.org");
    assertThat(document.get("jwks_uri").asText()).isEqualTo("https://oidc.example.org/oidc/keys");
    assertThat(get("/.well-known/openid-configuration").statusCode()).isEqualTo(404);
  }

  @Test
  void aHostNotInDomainsIsRefusedWith400() throws Exception {
    source.publish(first);
    start("");
    String refused = rawGet("/.well-known/openid-configuration", "evil.example.com");
    assertThat(refused).startsWith("HTTP/1.1 400").contains("domain \"evil.example.com\" is not allowed");
    assertThat(rawGet("/keys", "evil.example.com:443")).startsWith("HTTP/1.1 400");
    assertThat(rawGet("/keys", "OIDC.example.org:8443")).startsWith("HTTP/1.1 200");
  }

  @Test
  void aForwardedHostNotInDomainsIsRefusedEvenWhenHostIsAllowed() throws Exception {
    start("");
    HttpResponse<String> response = get("/.well-known/openid-configuration", "X-Forwarded-Host", "evil.example.com");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("domain \"evil.example.com\" is not allowed");
  }

  @Test
  void theKeysAreTheAuthoritiesWithKidAndAlgAndUseSigWhenAsked() throws Exception {
    source.publish(rsa, first);
    start("set_key_use = true\n");
    HttpResponse<String> response = get("/keys");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode keys = JSON.readTree(response.body()).get("keys");
    List<String> seen = new ArrayList<>();
    keys.forEach(key -> seen.add(key.get("kid").asText() + " " + key.get("kty").asText() + " "
        + key.get("alg").asText() + " " + key.get("use").asText()));
    assertThat(seen).containsExactly("kid-a EC ES256 sig", "kid-r RSA RS256 sig");
    ECPublicKey ec = (ECPublicKey) first.publicKey();
    assertThat(com.nimbusds.jose.jwk.ECKey.parse(keys.get(0).toString()).toECPublicKey().getW()).isEqualTo(ec.getW());
    assertThat(keys.get(0).has("d")).isFalse();
  }

  @Test
  void withoutSetKeyUseTheKeysHaveNoUse() throws Exception {
    source.publish(first);
    start("");
    JsonNode key = JSON.readTree(get("/keys").body()).get("keys").get(0);
    assertThat(key.has("use")).isFalse();
    assertThat(key.get("crv").asText()).isEqualTo("P-256");
  }

  @Test
  void anUnchangedSetAnswersIfNoneMatchWith304AndANewKeyChangesTheEtag() throws Exception {
    source.publish(first);
    start("");
    HttpResponse<String> response = get("/keys");
    String etag = response.headers().firstValue("etag").orElseThrow();
    assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(response.headers().firstValue("last-modified")).isPresent();
    HttpResponse<String> again = get("/keys", "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();

    source.publish(first, rsa); // a prepared key published in the bundle
    server.pollNow();
    HttpResponse<String> changed = get("/keys", "If-None-Match", etag);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.headers().firstValue("etag")).isPresent().isNotEqualTo(java.util.Optional.of(etag));
    assertThat(changed.body()).contains("kid-r");
  }

  @Test
  void aFailedFetchKeepsServingTheLastGoodSet() throws Exception {
    source.publish(first);
    start("");
    String before = get("/keys").body();
    source.fail(new IllegalStateException("server down"));
    assertThat(server.pollNowQuietly()).isFalse();
    assertThat(get("/keys").body()).isEqualTo(before);
  }

  @Test
  void keysBeforeTheFirstFetchAre503() throws Exception {
    source.fail(new IllegalStateException("server down"));
    start("");
    assertThat(get("/keys").statusCode()).isEqualTo(503);
  }

  @Test
  void otherMethodsAre405() throws Exception {
    start("");
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/keys"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
  }

  @Test
  void healthIsReadyOnceKeysAreFetchedAndNotReadyWhenTheyGoStale() throws Exception {
    source.publish(first);
    start("health_checks {\n  bind_port = \"0\"\n}\n");
    server.pollNow();
    URI ready = URI.create("http://localhost:" + server.healthPort() + "/ready");
    assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    source.fail(new IllegalStateException("server down"));
    clock.advance(java.time.Duration.ofHours(6)); // past five poll intervals of 1h
    server.pollNowQuietly();
    assertThat(http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(500);
  }

  @Test
  void closingTheServerClosesTheKeySource() {
    start("");
    server.close();
    server = null;
    assertThat(source.closed).isTrue();
  }
}
