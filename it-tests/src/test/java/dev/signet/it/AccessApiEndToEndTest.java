package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.svid.jwtsvid.JwtSvid;
import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.workloadapi.DefaultJwtSource;
import io.spiffe.workloadapi.DefaultX509Source;
import io.spiffe.workloadapi.JwtSource;
import io.spiffe.workloadapi.JwtSourceOptions;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The access layer against real processes: a workload calls the REST API with the JWT-SVID its agent gave
 * it (java-spiffe), sees its identity, agent and trust score, and an admin's forced rotation reaches the
 * workload's open X509Source as a new SVID.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AccessApiEndToEndTest extends OneWorkspaceTest {
  private static final String NODE = SignetServer.id("/node/access");
  private static final String WORKLOAD = SignetServer.id("/workload/access");
  private static final String ADMIN = SignetServer.id("/ops/admin");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final int accessPort = Workspace.freePort();
  private SignetServer server;
  private SignetAgent agent;

  @BeforeAll
  void startServerAndAgent() {
    workspace = new Workspace("access");
    server = new SignetServer(workspace).withBlocks("""
        access_api {
            bind_port = %d
            admin_ids = ["%s"]
        }
        """.formatted(accessPort, ADMIN)).start();
    server.createEntryOverGrpc(NODE, WORKLOAD, "unix:uid:" + Uids.current());
    agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);
  }

  private HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + accessPort + path))
        .header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String workloadToken() throws Exception {
    JwtSource source = DefaultJwtSource.newSource(JwtSourceOptions.builder()
        .spiffeSocketPath(agent.address()).initTimeout(Duration.ofSeconds(30)).build());
    try {
      JwtSvid svid = source.fetchJwtSvid(SpiffeId.parse(WORKLOAD), "signet-access");
      return svid.getToken();
    } finally {
      source.close();
    }
  }

  @Test
  void aWorkloadUsesTheJwtSvidFromItsAgentToAskTheAccessApi() throws Exception {
    String token = workloadToken();
    HttpResponse<String> identity = call("GET", "/api/v1/identities/" + URLEncoder.encode(WORKLOAD,
        StandardCharsets.UTF_8), null, token);
    assertThat(identity.statusCode()).as(identity.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(identity.body());
    assertThat(body.get("serving_agents").get(0).get("spiffe_id").asText()).isEqualTo(agent.spiffeId());
    assertThat(body.get("trust").get("score").asInt()).as("served by a join-token agent").isEqualTo(65);
    assertThat(body.get("svid").get("issued_to").asText()).as("the X509-SVID the agent holds for it")
        .isEqualTo(agent.spiffeId());
    assertThat(body.get("svid").get("expires_at").asText()).isNotEmpty();

    HttpResponse<String> decision = call("POST", "/api/v1/policies/evaluate", "{\"identity\":\"" + WORKLOAD
        + "\",\"resource\":\"db/orders\",\"action\":\"read\"}", token);
    assertThat(decision.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(decision.body()).get("decision").asText()).as("no policies: deny").isEqualTo("deny");

    HttpResponse<String> rotate = call("POST", "/api/v1/certificates/rotate", "{\"identity\":\"" + WORKLOAD + "\"}",
        token);
    assertThat(rotate.statusCode()).as("a workload is not an admin").isEqualTo(403);
  }

  @Test
  void anAdminsForcedRotationReachesTheWorkloadsOpenSource() throws Exception {
    String adminToken = server.admin("jwt", "mint", "-spiffeID", ADMIN, "-audience", "signet-access")
        .requireOk().stdout().strip();
    try (DefaultX509Source source = Spiffe.x509Source(agent.address(), WORKLOAD)) {
      X509Svid first = source.getX509Svid();
      BigInteger firstSerial = first.getLeaf().getSerialNumber();
      long start = System.nanoTime();
      HttpResponse<String> rotate = call("POST", "/api/v1/certificates/rotate", "{\"identity\":\"" + WORKLOAD
          + "\"}", adminToken);
      assertThat(rotate.statusCode()).as(rotate.body()).isEqualTo(200);

      X509Svid rotated = Poll.value("a new SVID after the forced rotation", Duration.ofSeconds(20),
          () -> Optional.of(source.getX509Svid()).filter(s -> !s.getLeaf().getSerialNumber().equals(firstSerial)));
      System.out.println("forced rotation: new SVID on the open source after "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
      assertThat(rotated.getSpiffeId().toString()).isEqualTo(WORKLOAD);
      assertThat(rotated.getLeaf().getPublicKey()).isNotEqualTo(first.getLeaf().getPublicKey());
    }
  }
}
