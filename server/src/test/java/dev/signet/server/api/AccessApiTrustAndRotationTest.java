package dev.signet.server.api;

import static dev.signet.server.api.AccessApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.agent.v1.BanAgentRequest;
import dev.signet.proto.spire.api.server.entry.v1.GetEntryRequest;
import dev.signet.proto.spire.api.types.Entry;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Trust scores, trust in policy conditions, forced rotation and metrics over real HTTP with JWT-SVIDs the
 * server minted. The test that moves the server's clock runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessApiTrustAndRotationTest extends SharedServerTest {
  private static final SpiffeId CONSOLE = ServerFixture.TD.id("/ops/console");

  private AccessApiClient client;

  @BeforeAll
  void setUpClient() throws Exception {
    client = new AccessApiClient(fixture);
  }

  private String console() {
    return client.bearer(CONSOLE, AccessApiClient.AUDIENCE);
  }

  private String admin() {
    return client.bearer(ServerFixture.ACCESS_ADMIN, AccessApiClient.AUDIENCE);
  }

  private JsonNode score(SpiffeId id) throws Exception {
    HttpResponse<String> response = client.get("/api/v1/trust/score?identity="
        + URLEncoder.encode(id.toString(), StandardCharsets.UTF_8), console());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  private static Map<String, Integer> impacts(JsonNode score) {
    Map<String, Integer> impacts = new java.util.LinkedHashMap<>();
    score.get("factors").forEach(f -> impacts.put(f.get("name").asText(), f.get("impact").asInt()));
    return impacts;
  }

  @Test
  @Order(1)
  void aJoinTokenAgentAndTheWorkloadsItServesAreScoredFromExplainedFactors() throws Exception {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    fixture.createEntry(ServerFixture.entry("/score/web", agent.id())
        .addSelectors(ServerFixture.selector("unix", "uid:1000")).build());

    JsonNode agentScore = score(agent.id());
    assertThat(impacts(agentScore)).containsEntry("attestation_strength", -30).containsEntry("attestation_age", -5)
        .containsEntry("svid_rotation", 0).containsEntry("sync_freshness", 0);
    assertThat(agentScore.get("score").asInt()).isEqualTo(65);
    JsonNode workload = score(ServerFixture.TD.id("/score/web"));
    assertThat(workload.get("score").asInt()).as("a workload is trusted as much as its agent").isEqualTo(65);
    assertThat(workload.get("factors").get(0).get("detail").asText()).contains(agent.id().toString());
    // One level further down, as `token generate -spiffeID` lays it out: workload -> node entry -> agent.
    fixture.createEntry(ServerFixture.entry("/score/node", agent.id())
        .addSelectors(ServerFixture.selector("unix", "uid:1003")).build());
    fixture.createEntry(ServerFixture.entry("/score/deep", ServerFixture.TD.id("/score/node"))
        .addSelectors(ServerFixture.selector("unix", "uid:1004")).build());
    assertThat(score(ServerFixture.TD.id("/score/deep")).get("factors").get(0).get("detail").asText())
        .contains(agent.id().toString());
    JsonNode stranger = score(ServerFixture.TD.id("/nobody/serves/this"));
    assertThat(stranger.get("score").asInt()).isEqualTo(50);
    assertThat(impacts(stranger)).containsKey("no_serving_agent");

    JsonNode identity = json(client.get("/api/v1/identities/" + URLEncoder.encode("spiffe://example.org/score/web",
        StandardCharsets.UTF_8), console()));
    assertThat(identity.get("trust").get("score").asInt()).isEqualTo(65);
    assertThat(identity.get("serving_agents").get(0).get("spiffe_id").asText()).isEqualTo(agent.id().toString());
    assertThat(identity.get("serving_agents").get(0).get("attestation_type").asText()).isEqualTo("join_token");

    fixture.adminAgents().banAgent(BanAgentRequest.newBuilder().setId(ServerFixture.id(agent.id())).build());
    assertThat(score(agent.id()).get("score").asInt()).as("banned").isZero();
    assertThat(score(ServerFixture.TD.id("/score/web")).get("score").asInt()).as("served only by a banned agent")
        .isZero();

    assertThat(client.get("/api/v1/trust/score", console()).statusCode()).as("no identity").isEqualTo(400);
    assertThat(client.get("/api/v1/trust/score?identity=spiffe://Bad.org/x", console()).statusCode()).isEqualTo(400);
    assertThat(client.get("/api/v1/trust/score?identity=spiffe://example.org/x", null).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(2)
  void policyConditionsSeeTheTrustScoreAndDenialsLowerIt() throws Exception {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    fixture.createEntry(ServerFixture.entry("/trust/app", agent.id())
        .addSelectors(ServerFixture.selector("unix", "uid:1001")).build());
    Files.writeString(fixture.policyDir().resolve("docs.yaml"), """
        policies:
          - name: docs
            rules:
              - id: trusted-reads
                effect: allow
                principals: ["spiffe://example.org/trust/*"]
                resources: ["docs/*"]
                actions: [read]
                condition: 'trust.score >= 60'
              - id: probe
                effect: allow
                principals: ["spiffe://example.org/probe"]
                resources: ["probe"]
                actions: [check]
        """);
    String read = "{\"identity\":\"spiffe://example.org/trust/app\",\"resource\":\"docs/a\",\"action\":\"read\"}";
    String write = read.replace("\"read\"", "\"write\"");
    String bearer = console();
    // The server notices the new file on its own; a probe rule tells when (without touching the app's score).
    String probe = "{\"identity\":\"spiffe://example.org/probe\",\"resource\":\"probe\",\"action\":\"check\"}";
    await().atMost(Duration.ofSeconds(15)).until(
        () -> json(client.post("/api/v1/policies/evaluate", probe, bearer)), d -> d.get("decision").asText().equals("allow"));
    JsonNode first = json(client.post("/api/v1/policies/evaluate", read, bearer));
    assertThat(first.get("decision").asText()).isEqualTo("allow");
    assertThat(first.get("trust_score").asInt()).isEqualTo(65);

    assertThat(json(client.post("/api/v1/policies/evaluate", write, bearer)).get("decision").asText()).isEqualTo("deny");
    JsonNode afterOneDenial = json(client.post("/api/v1/policies/evaluate", read, bearer));
    assertThat(afterOneDenial.get("trust_score").asInt()).isEqualTo(60);
    assertThat(afterOneDenial.get("decision").asText()).isEqualTo("allow");
    json(client.post("/api/v1/policies/evaluate", write, bearer));
    JsonNode afterTwo = json(client.post("/api/v1/policies/evaluate", read, bearer));
    assertThat(afterTwo.get("trust_score").asInt()).isEqualTo(55);
    assertThat(afterTwo.get("decision").asText()).as("trust.score >= 60 no longer holds").isEqualTo("deny");
    assertThat(impacts(score(ServerFixture.TD.id("/trust/app")))).containsEntry("policy_denials", -15); // two writes and the last read

    JsonNode decisions = json(client.get("/api/v1/audit?action=policy.evaluate&outcome=deny", admin()));
    List<String> reasons = new ArrayList<>();
    decisions.get("records").forEach(r -> reasons.add(r.get("reason").asText()));
    assertThat(reasons).anySatisfy(r -> assertThat(r).contains("identity=\"spiffe://example.org/trust/app\"")
        .contains("action=\"write\"").contains("trust=\"65\""));
    assertThat(decisions.get("records").get(0).get("actor").asText()).isEqualTo(CONSOLE.toString());
  }

  @Test
  @Order(3)
  void rotatingAnIdentityGivesEachOfItsEntriesANewRevisionForAdminsOnly() throws Exception {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    Entry entry = fixture.createEntry(ServerFixture.entry("/rot/web", agent.id())
        .addSelectors(ServerFixture.selector("unix", "uid:1002")).build());
    String body = "{\"identity\":\"spiffe://example.org/rot/web\"}";

    HttpResponse<String> refused = client.post("/api/v1/certificates/rotate", body, console());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused).get("detail").asText()).contains(CONSOLE.toString());
    assertThat(client.post("/api/v1/certificates/rotate", body, null).statusCode()).isEqualTo(401);
    for (String bad : List.of("{\"scope\":\"bogus\",\"identity\":\"spiffe://example.org/rot/web\"}",
        "{\"identity\":\"spiffe://Example.org/rot/web\"}", "{}", "not json", "{\"scope\":\"ca\",\"identity\":\"x\"}",
        "{\"identity\":\"spiffe://example.org/rot/web\",\"extra\":true}")) {
      assertThat(client.post("/api/v1/certificates/rotate", bad, admin()).statusCode()).as(bad).isEqualTo(400);
    }
    assertThat(client.post("/api/v1/certificates/rotate", "{\"identity\":\"spiffe://example.org/rot/none\"}", admin())
        .statusCode()).isEqualTo(404);
    assertThat(revision(entry)).as("nothing refused changed anything").isEqualTo(entry.getRevisionNumber());

    HttpResponse<String> rotated = client.post("/api/v1/certificates/rotate", body, admin());
    assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
    assertThat(json(rotated).get("rotated_entries").get(0).get("entry_id").asText()).isEqualTo(entry.getId());
    assertThat(json(rotated).get("rotated_entries").get(0).get("revision").asLong())
        .isEqualTo(entry.getRevisionNumber() + 1);
    assertThat(revision(entry)).isEqualTo(entry.getRevisionNumber() + 1);

    JsonNode trail = json(client.get("/api/v1/audit?action=certificates/rotate", admin()));
    List<String> outcomes = new ArrayList<>();
    trail.get("records").forEach(r -> outcomes.add(r.get("actor").asText() + " " + r.get("outcome").asText()));
    assertThat(outcomes).contains(CONSOLE + " 403", ServerFixture.ACCESS_ADMIN + " started",
        ServerFixture.ACCESS_ADMIN + " ok");
  }

  private long revision(Entry entry) {
    return fixture.adminEntries().getEntry(GetEntryRequest.newBuilder().setId(entry.getId()).build())
        .getRevisionNumber();
  }

  @Test
  @Order(4)
  void rotatingTheCaActivatesANewAuthorityThatJoinsTheBundle() throws Exception {
    int before = fixture.bundle().x509Authorities().size();
    HttpResponse<String> response = client.post("/api/v1/certificates/rotate", "{\"scope\":\"ca\"}", admin());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode rotated = json(response);
    assertThat(rotated.get("authority_id").asText()).isNotEmpty()
        .isNotEqualTo(rotated.get("previous_authority_id").asText());
    assertThat(fixture.bundle().x509Authorities().size()).isEqualTo(before + 1);
    assertThat(rotated.get("status").asText()).isEqualTo("active");

    JsonNode staged = json(client.post("/api/v1/certificates/rotate", "{\"scope\":\"ca\",\"activate\":false}", admin()));
    assertThat(staged.get("status").asText()).as("prepared only, published in the bundle").isEqualTo("prepared");
    assertThat(staged.get("previous_authority_id").asText()).isEqualTo(rotated.get("authority_id").asText());
    assertThat(fixture.bundle().x509Authorities().size()).isEqualTo(before + 2);
    assertThat(client.post("/api/v1/certificates/rotate", "{\"scope\":\"ca\"}", console()).statusCode())
        .isEqualTo(403);
  }

  @Test
  @Order(5)
  void metricsExportRequestsDecisionsAndTrustScoresToAuthenticatedScrapers() throws Exception {
    client.post("/api/v1/policies/evaluate",
        "{\"identity\":\"spiffe://example.org/metrics/x\",\"resource\":\"r\",\"action\":\"a\"}", console());
    HttpResponse<String> metrics = client.get("/metrics", console());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(metrics.body()).contains("signet_policy_decisions_total{decision=\"deny\"}")
        .contains("signet_trust_score{identity=\"spiffe://example.org/metrics/x\"} 45.0")
        .contains("signet_access_requests_seconds_count{method=\"POST\",route=\"/api/v1/policies/evaluate\"")
        .contains("signet_agent_attestations_total{attestor=\"join_token\",kind=\"attest\"}")
        .contains("signet_agent_bans_total 1.0")
        .contains("signet_x509_svids_issued_total");
    assertThat(client.get("/metrics", null).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(6)
  void anAgentThatFallsSilentAndLetsItsSvidExpireLosesTrust() throws Exception {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    assertThat(score(agent.id()).get("score").asInt()).isEqualTo(65);
    fixture.clock.advance(Duration.ofHours(2)); // past the agent SVID's 1 h and the 1 h silence limit
    JsonNode later = score(agent.id());
    assertThat(impacts(later)).containsEntry("sync_freshness", -25).containsEntry("svid_rotation", -25);
    assertThat(later.get("score").asInt()).isEqualTo(15);
  }

  @Test
  @Order(7)
  void aTokenThatWasAcceptedIsRefusedOnceItExpires() throws Exception {
    String bearer = console();
    assertThat(client.get("/api/v1/identities", bearer).statusCode()).isEqualTo(200);
    assertThat(client.get("/api/v1/identities", bearer).statusCode()).as("remembered").isEqualTo(200);
    fixture.clock.advance(Duration.ofMinutes(6)); // past the token's 300 s
    HttpResponse<String> expired = client.get("/api/v1/identities", bearer);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(json(expired).get("detail").asText()).contains("expired");
  }
}
