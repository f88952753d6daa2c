package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.types.Entry;
import io.grpc.StatusRuntimeException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The access layer's REST API over real HTTP, authenticated with real JWT-SVIDs minted by the server:
 * health without a token, identities with one, and every way to be refused.
 */
class AccessApiTest extends SharedServerTest {
  private AccessApiClient client;
  private SpiffeId parent;
  private Entry web;
  private ServerFixture.Identity agent;

  @BeforeAll
  void setUpEntries() throws Exception {
    client = new AccessApiClient(fixture);
    parent = ServerFixture.TD.id("/node/rest");
    web = fixture.createEntry(ServerFixture.entry("/rest/web", parent).addSelectors(ServerFixture.selector("unix", "uid:1000")).build());
    fixture.createEntry(ServerFixture.entry("/rest/db", parent).addSelectors(ServerFixture.selector("unix", "uid:1001")).build());
    fixture.createEntry(ServerFixture.entry("/elsewhere/cache", parent).addSelectors(ServerFixture.selector("unix", "uid:1002")).build());
    agent = fixture.attestNewAgent();
  }

  private String token(String audience) {
    return client.bearer(ServerFixture.TD.id("/ops/console"), audience).substring("Bearer ".length());
  }

  private HttpResponse<String> get(String pathAndQuery, String bearer) throws Exception {
    return client.get(pathAndQuery, bearer);
  }

  private HttpResponse<String> post(String path, String body, String bearer) throws Exception {
    return client.post(path, body, bearer);
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return AccessApiClient.json(response);
  }

  @Test
  void healthLiveAndReadyAnswerWithoutAToken() throws Exception {
    for (String path : List.of("/health", "/live", "/ready")) {
      HttpResponse<String> response = get(path, null);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(json(response).get("status").asText()).isEqualTo("UP");
    }
  }

  @Test
  void identitiesAreListedWithFiltersAndPagingToAnAuthenticatedCaller() throws Exception {
    String bearer = "Bearer " + token("signet-access");
    JsonNode filtered = json(get("/api/v1/identities?spiffe_id_prefix="
        + URLEncoder.encode("spiffe://example.org/rest/", StandardCharsets.UTF_8), bearer));
    List<String> ids = new ArrayList<>();
    String token = "";
    do {
      HttpResponse<String> page = get("/api/v1/identities?page_size=1"
          + (token.isEmpty() ? "" : "&page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)), bearer);
      assertThat(page.statusCode()).isEqualTo(200);
      json(page).get("identities").forEach(i -> ids.add(i.get("kind").asText() + " " + i.get("spiffe_id").asText()));
      token = json(page).get("next_page_token").asText();
    } while (!token.isEmpty());

    assertThat(filtered.get("identities")).extracting(i -> i.get("spiffe_id").asText())
        .contains("spiffe://example.org/rest/web", "spiffe://example.org/rest/db")
        .doesNotContain("spiffe://example.org/elsewhere/cache");
    assertThat(ids).contains("entry spiffe://example.org/rest/web", "entry spiffe://example.org/elsewhere/cache",
        "agent " + agent.id());
    JsonNode bySelector = json(get("/api/v1/identities?selector=unix:uid:1001", bearer));
    assertThat(bySelector.get("identities")).extracting(i -> i.get("spiffe_id").asText())
        .containsExactly("spiffe://example.org/rest/db");
  }

  @Test
  void oneIdentityShowsItsEntriesOrItsAgentRecord() throws Exception {
    String bearer = "Bearer " + token("signet-access");
    JsonNode entry = json(get("/api/v1/identities/" + URLEncoder.encode("spiffe://example.org/rest/web",
        StandardCharsets.UTF_8), bearer));
    assertThat(entry.get("entries").get(0).get("entry_id").asText()).isEqualTo(web.getId());
    assertThat(entry.get("entries").get(0).get("selectors")).extracting(JsonNode::asText).contains("unix:uid:1000");
    JsonNode agentView = json(get("/api/v1/identities/" + URLEncoder.encode(agent.id().toString(),
        StandardCharsets.UTF_8), bearer));
    assertThat(agentView.get("agent").get("attestation_type").asText()).isEqualTo("join_token");
    assertThat(agentView.get("agent").get("svid_expires_at").asText()).isNotEmpty();

    HttpResponse<String> missing = get("/api/v1/identities/" + URLEncoder.encode("spiffe://example.org/nobody",
        StandardCharsets.UTF_8), bearer);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(json(missing).get("detail").asText()).contains("spiffe://example.org/nobody");
  }

  /** A well-formed ES256 JWT-SVID signed by a key no bundle holds. */
  private static String foreignToken(String subject, String keyId) throws Exception {
    KeyPair key = KeyType.EC_P256.generate();
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keyId).build(),
        new JWTClaimsSet.Builder().subject(subject).audience("signet-access")
            .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
    jwt.sign(new ECDSASigner((ECPrivateKey) key.getPrivate()));
    return jwt.serialize();
  }

  @Test
  void missingWrongAudienceTamperedForeignOrNonBearerTokensAre401() throws Exception {
    String good = token("signet-access");
    String tampered = good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    List<String> refused = new ArrayList<>();
    refused.add(null);
    refused.add("Bearer " + token("some-other-api"));
    refused.add("Bearer " + tampered);
    refused.add("Basic dXNlcjpwYXNz");
    refused.add("Bearer not-a-jwt");
    refused.add("Bearer " + foreignToken("spiffe://example.org/ops/console", "made-up-kid"));
    refused.add("Bearer " + foreignToken("spiffe://other.org/ops/console", "made-up-kid"));
    for (String bearer : refused) {
      HttpResponse<String> response = get("/api/v1/identities", bearer);
      assertThat(response.statusCode()).as(String.valueOf(bearer)).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"signet\"");
      assertThat(json(response).get("status").asInt()).isEqualTo(401);
      assertThat(response.body()).doesNotContain(good);
    }
  }

  @Test
  void managementCallsAndRefusalsAreInTheAuditTrail() throws Exception {
    assertThatThrownBy(() -> EntryGrpc.newBlockingStub(fixture.anonymous()).withDeadlineAfter(20, TimeUnit.SECONDS)
        .listEntries(ListEntriesRequest.getDefaultInstance())).isInstanceOf(StatusRuntimeException.class);
    String bearer = client.bearer(ServerFixture.ACCESS_ADMIN, AccessApiClient.AUDIENCE);
    JsonNode created = json(get("/api/v1/audit?action=BatchCreateEntry&outcome=ok", bearer));
    assertThat(created.get("records").size()).isGreaterThanOrEqualTo(3);
    assertThat(created.get("records").get(0).get("actor").asText()).startsWith("local");
    JsonNode refused = json(get("/api/v1/audit?action=ListEntries&outcome=PERMISSION_DENIED", bearer));
    assertThat(refused.get("records").size()).isPositive();
    assertThat(get("/api/v1/audit?limit=0", bearer).statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/audit", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/audit", "Bearer " + token("signet-access")).statusCode()).as("not an admin").isEqualTo(403);
  }

  @Test
  void theOpenApiDocumentDescribesEveryRoute() throws Exception {
    HttpResponse<String> response = get("/api/v1/openapi", "Bearer " + token("signet-access"));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode document = json(response);
    assertThat(document.get("openapi").asText()).startsWith("3.1");
    List<String> paths = new ArrayList<>();
    document.get("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths).containsExactlyInAnyOrder("/health", "/live", "/ready", "/api/v1/openapi",
        "/api/v1/identities", "/api/v1/identities/{spiffeId}", "/api/v1/audit", "/api/v1/policies/evaluate",
        "/api/v1/trust/score", "/api/v1/certificates/rotate", "/metrics");
    assertThat(get("/api/v1/openapi", null).statusCode()).isEqualTo(401);
  }

  @Test
  void policyDecisionsComeFromTheWatchedDirectoryWithTheirRule() throws Exception {
    String bearer = "Bearer " + token("signet-access");
    String request = "{\"identity\":\"spiffe://example.org/billing/api\",\"resource\":\"payments/invoices/7\","
        + "\"action\":\"read\",\"context\":{\"source\":\"10.0.0.1\"}}";
    JsonNode before = json(post("/api/v1/policies/evaluate", request, bearer));
    assertThat(before.get("decision").asText()).as("no policies: deny by default").isEqualTo("deny");
    assertThat(before.get("trust_score").asInt()).as("an identity no agent serves").isEqualTo(50);

    Files.writeString(fixture.policyDir().resolve("payments.yaml"), """
        policies:
          - name: payments
            rules:
              - id: billing-reads
                effect: allow
                principals: ["spiffe://example.org/billing/*"]
                resources: ["payments/*"]
                actions: [read]
                condition: 'context.source.startsWith("10.")'
        """);
    // The server notices the new file on its own (it polls the directory every second).
    JsonNode after = await().atMost(Duration.ofSeconds(15)).until(
        () -> json(post("/api/v1/policies/evaluate", request, bearer)), d -> d.get("decision").asText().equals("allow"));
    assertThat(after.get("decision").asText()).isEqualTo("allow");
    assertThat(after.get("policy").asText()).isEqualTo("payments");
    assertThat(after.get("rule").asText()).isEqualTo("billing-reads");

    // A file whose CEL condition does not compile: the last good set stays in force and decisions say why.
    Files.writeString(fixture.policyDir().resolve("broken.yaml"), """
        policies:
          - name: broken
            rules:
              - id: typo
                effect: deny
                principals: ["*"]
                resources: ["*"]
                actions: ["*"]
                condition: 'context.source.startsWith('
        """);
    JsonNode warned = await().atMost(Duration.ofSeconds(15)).until(
        () -> json(post("/api/v1/policies/evaluate", request, bearer)), d -> d.has("policy_warning"));
    assertThat(warned.get("policy_warning").asText()).contains("broken.yaml");
    assertThat(warned.get("decision").asText()).as("the last good set").isEqualTo("allow");
    Files.delete(fixture.policyDir().resolve("broken.yaml"));

    assertThat(post("/api/v1/policies/evaluate", "{\"identity\":\"x\"}", bearer).statusCode()).isEqualTo(400);
    assertThat(post("/api/v1/policies/evaluate", "not json", bearer).statusCode()).isEqualTo(400);
    assertThat(post("/api/v1/policies/evaluate", request.replace("}}", "},\"extra\":1}"), bearer).statusCode())
        .as("unknown fields").isEqualTo(400);
    assertThat(post("/api/v1/policies/evaluate", "{\"pad\":\"" + "x".repeat(70_000) + "\"}", bearer).statusCode())
        .isEqualTo(413);
    assertThat(post("/api/v1/policies/evaluate", request, null).statusCode()).isEqualTo(401);
  }

  @Test
  void badQueriesAre400ProblemsNamingTheValue() throws Exception {
    String bearer = "Bearer " + token("signet-access");
    for (String query : List.of("page_size=0", "page_size=many", "selector=nocolon", "page_token=zzz",
        "parent_id=spiffe://Example.org/x", "spiffe_id_prefix=http://x")) {
      HttpResponse<String> response = get("/api/v1/identities?" + query, bearer);
      assertThat(response.statusCode()).as(query).isEqualTo(400);
      assertThat(json(response).get("title").asText()).isEqualTo("Bad Request");
    }
    assertThat(get("/api/v1/nothing-here", bearer).statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/nothing-here", null).statusCode()).as("no hint without a token").isEqualTo(401);
  }
}
