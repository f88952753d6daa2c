package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * {@code signet-server oidc-discovery} as a process on a real server's admin socket, serving HTTPS from
 * {@code serving_cert_file} (a test CA made by openssl). A JWT-SVID minted by the server validates with PyJWT
 * (py-spiffe's virtualenv) using only the discovery document and the JWKS the provider serves; a prepared JWT
 * authority is in {@code /keys} before it is activated, and tokens it signs after activation validate too.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OidcDiscoveryEndToEndTest extends OneWorkspaceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIENCE = "sts.amazonaws.com";
  private static final String WORKLOAD = SignetServer.id("/ns/prod/sa/billing");

  private SignetServer server;
  private WebPki pki;
  private HttpClient https;
  private String issuer;

  @BeforeAll
  void startServerAndProvider() throws IOException {
    workspace = new Workspace("oidc");
    int port = Workspace.freePort();
    issuer = "https://localhost:" + port;
    server = new SignetServer(workspace).withServerBlocks("    jwt_issuer = \"" + issuer + "\"").start();
    pki = new WebPki(workspace.path("tls"));
    Path conf = workspace.path("oidc-discovery-provider.conf");
    Files.writeString(conf, """
        log_level = "debug"
        log_requests = true
        domains = ["localhost"]
        serving_cert_file {
            cert_file_path = "%s"
            key_file_path = "%s"
            addr = "127.0.0.1:%d"
        }
        server_api {
            address = "unix://%s"
            poll_interval = "1s"
        }
        """.formatted(pki.servingCertificate(), pki.servingKey(), port, server.socket()));
    RunningProcess provider = workspace.start("oidc-discovery",
        List.of(Distribution.get().serverBin(), "oidc-discovery", "-config", conf.toString()));
    https = HttpClient.newBuilder().sslContext(pki.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
    Poll.until("the oidc discovery provider serves keys on " + issuer, Duration.ofSeconds(60), () -> {
      if (!provider.isAlive()) {
        throw new AssertionError("oidc-discovery exited:\n" + provider.tail(40));
      }
      return get("/keys").map(r -> r.statusCode() == 200).orElse(false);
    });
  }

  @Test
  @Order(1)
  void theDiscoveryDocumentNamesTheIssuerAndTheKeysOverHttps() throws IOException {
    HttpResponse<String> response = get("/.well-known/openid-configuration").orElseThrow();
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode document = JSON.readTree(response.body());
    assertThat(document.path("issuer").asText()).isEqualTo(issuer);
    assertThat(document.path("jwks_uri").asText()).isEqualTo(issuer + "/keys");
    assertThat(document.path("response_types_supported").toString()).isEqualTo("[\"id_token\"]");
  }

  @Test
  @Order(2)
  void aMintedJwtSvidValidatesWithPyJwtFromTheDiscoveryDocumentAlone() throws IOException {
    String token = mint();
    JsonNode validated = validate(token).requireOk().stdout().transform(this::json);
    assertThat(validated.path("claims").path("sub").asText()).isEqualTo(WORKLOAD);
    assertThat(validated.path("claims").path("iss").asText()).isEqualTo(issuer);
    assertThat(validated.path("kid").asText()).isEqualTo(activeJwtAuthority());
  }

  @Test
  @Order(3)
  void aTamperedTokenOrAnotherAudienceIsRejectedByTheSameClient() {
    String token = mint();
    String[] parts = token.split("\\.");
    String forgedClaims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"sub\":\"" + SignetServer.id("/admin") + "\",\"aud\":[\"" + AUDIENCE + "\"],\"iss\":\"" + issuer
            + "\",\"exp\":4102444800}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    CommandResult forged = validate(parts[0] + "." + forgedClaims + "." + parts[2]);
    assertThat(forged.exitCode()).as(forged.toString()).isEqualTo(3);
    assertThat(forged.stderr()).contains("InvalidSignatureError");
    CommandResult otherAudience = run(python(issuer, "other-audience", token));
    assertThat(otherAudience.exitCode()).as(otherAudience.toString()).isEqualTo(3);
    assertThat(otherAudience.stderr()).contains("InvalidAudienceError");
  }

  @Test
  @Order(4)
  void aHostOutsideDomainsIsRefused() {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
        .header("X-Forwarded-Host", "attacker.example.com").build()).orElseThrow();
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("domain \"attacker.example.com\" is not allowed");
  }

  @Test
  @Order(5)
  void theKeysCarryAnEtagThatAnswers304UntilAPreparedKeyIsPublished() throws IOException {
    HttpResponse<String> first = get("/keys").orElseThrow();
    String etag = first.headers().firstValue("etag").orElseThrow();
    HttpResponse<String> unchanged = send(HttpRequest.newBuilder(URI.create(issuer + "/keys"))
        .header("If-None-Match", etag).build()).orElseThrow();
    assertThat(unchanged.statusCode()).isEqualTo(304);

    String active = activeJwtAuthority();
    JsonNode prepared = json(server.admin("localauthority", "jwt", "prepare", "-output", "json").requireOk().stdout());
    String preparedKid = prepared.path("prepared_authority").path("authority_id").asText(
        prepared.path("prepared").path("authority_id").asText());
    assertThat(preparedKid).as("prepare output: %s", prepared).isNotBlank().isNotEqualTo(active);

    HttpResponse<String> changed = Poll.value("the prepared key " + preparedKid + " in /keys", Duration.ofSeconds(30),
        () -> send(HttpRequest.newBuilder(URI.create(issuer + "/keys")).header("If-None-Match", etag).build())
            .filter(r -> r.statusCode() == 200 && keyIds(r.body()).contains(preparedKid)));
    assertThat(keyIds(changed.body())).contains(active, preparedKid);
    assertThat(changed.headers().firstValue("etag")).isPresent().isNotEqualTo(Optional.of(etag));
    assertThat(activeJwtAuthority()).as("served before use: the server still signs with the old key")
        .isEqualTo(active);
    String beforeActivation = mint();
    assertThat(validate(beforeActivation).requireOk().stdout().transform(this::json).path("kid").asText())
        .isEqualTo(active);

    server.admin("localauthority", "jwt", "activate", "-authorityID", preparedKid).requireOk();
    String afterActivation = mint();
    JsonNode validated = validate(afterActivation).requireOk().stdout().transform(this::json);
    assertThat(validated.path("kid").asText()).as("signed by the newly active key").isEqualTo(preparedKid);
    assertThat(validated.path("claims").path("sub").asText()).isEqualTo(WORKLOAD);
  }

  // --- helpers ---

  private String mint() {
    return server.admin("jwt", "mint", "-spiffeID", WORKLOAD, "-audience", AUDIENCE).requireOk().stdout().strip();
  }

  private String activeJwtAuthority() {
    return SignetServer.json(server.admin("localauthority", "jwt", "show", "-output", "json").requireOk())
        .path("active").path("authority_id").asText();
  }

  private CommandResult validate(String token) {
    return run(python(issuer, AUDIENCE, token));
  }

  private List<String> python(String issuerUrl, String audience, String token) {
    Path script = Path.of("..", "tools", "peers", "oidc", "validate_jwt.py").toAbsolutePath().normalize();
    return List.of(SpirePeers.pySpiffePython(), script.toString(), issuerUrl, pki.rootCertificate(),
        audience, token);
  }

  private static CommandResult run(List<String> command) {
    return Distribution.run(Duration.ofSeconds(60), command);
  }

  private Optional<HttpResponse<String>> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(issuer + path)).build());
  }

  private Optional<HttpResponse<String>> send(HttpRequest request) {
    try {
      return Optional.of(https.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty(); // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not json: " + text, e);
    }
  }

  private List<String> keyIds(String jwks) {
    List<String> ids = new ArrayList<>();
    json(jwks).path("keys").forEach(key -> ids.add(key.path("kid").asText()));
    return ids;
  }
}
