package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real SPIFFE client libraries against {@code signet-agent}'s Workload API socket: our go-spiffe v2.9.0 client
 * ({@code tools/peers/spiffe-clients}, X509Source and JWTSource) and our py-spiffe 0.3.2 client fetch an
 * X509-SVID and a JWT-SVID for a workload entitled to two identities, verify the X509-SVID's chain and
 * validate the JWT-SVID against the bundles the same socket serves (and refuse it for another audience).
 * go-spiffe's bundle watch follows a whole X.509 CA rotation of the server (prepare, activate, taint, revoke), and
 * two workloads of two agents hold a spiffetls mutual-TLS connection.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SpiffeClientsEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/clients");
  private static final String WEB = SignetServer.id("/workload/web");
  private static final String API = SignetServer.id("/workload/api");
  private static final String AUDIENCE = "spiffe://example.org/service/db";
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

  private Workspace workspace;
  private SignetServer server;
  private SignetAgent agent;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeEach
  void startServerAndAgent() {
    workspace = new Workspace("spiffe-clients");
    server = new SignetServer(workspace).start();
    String selector = "unix:uid:" + Uids.current();
    server.createEntry(NODE, WEB, selector);
    server.createEntry(NODE, API, selector);
    agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);
    Poll.until("both SVIDs on the agent's socket", Duration.ofSeconds(60), () -> {
      String out = agent.fetchX509(null).stdout();
      return out.contains(WEB) && out.contains(API);
    });
  }

  @AfterEach
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void goSpiffeFetchesVerifiesAndValidatesSignetSvids() {
    String client = SpirePeers.bin("go-spiffe-client");

    JsonNode x509 = run(List.of(client, "x509", "-socket", agent.address(), "-spiffeID", API));
    assertThat(x509.path("spiffe_id").asText()).isEqualTo(API);
    assertThat(x509.path("verified_spiffe_id").asText()).as("x509svid.Verify against the served bundle")
        .isEqualTo(API);
    assertThat(texts(x509.path("all_spiffe_ids"))).containsExactly(API, WEB);
    assertThat(texts(x509.path("bundle_trust_domains"))).containsExactly(SignetServer.TRUST_DOMAIN);
    assertThat(x509.path("chain_length").asInt()).isEqualTo(1);
    assertThat(x509.path("key_type").asText()).isEqualTo("*ecdsa.PrivateKey");
    assertThat(x509.path("own_bundle_x509_authorities").asInt()).isPositive();

    JsonNode jwt = run(List.of(client, "jwt", "-socket", agent.address(), "-audience", AUDIENCE, "-spiffeID", WEB));
    assertThat(jwt.path("spiffe_id").asText()).isEqualTo(WEB);
    assertThat(jwt.path("validated_spiffe_id").asText()).as("jwtsvid.ParseAndValidate with the JWTSource's bundles")
        .isEqualTo(WEB);
    assertThat(texts(jwt.path("audience"))).containsExactly(AUDIENCE);
    assertThat(jwt.path("key_id_in_bundle").asBoolean()).isTrue();
    assertThat(jwt.path("wrong_audience_error").asText()).contains("audience");
  }

  @Test
  void pySpiffeFetchesVerifiesAndValidatesSignetSvids() {
    List<String> python = List.of(SpirePeers.pySpiffePython(), "-W", "ignore", SpirePeers.pySpiffeClient());

    JsonNode x509 = run(concat(python, "x509", agent.address(), API));
    assertThat(x509.path("spiffe_id").asText()).isEqualTo(API);
    assertThat(x509.path("signed_by_bundle_authority").asBoolean()).as("leaf signed by an authority of the bundle")
        .isTrue();
    assertThat(texts(x509.path("all_spiffe_ids"))).containsExactly(API, WEB);
    assertThat(texts(x509.path("bundle_trust_domains"))).containsExactly(SignetServer.TRUST_DOMAIN);
    assertThat(x509.path("x509_source_svid").asText()).as("X509Source's default SVID").isIn(API, WEB);

    JsonNode jwt = run(concat(python, "jwt", agent.address(), AUDIENCE, WEB));
    assertThat(jwt.path("spiffe_id").asText()).isEqualTo(WEB);
    assertThat(jwt.path("validated_spiffe_id").asText()).as("JwtSvid.parse_and_validate with the fetched bundle")
        .isEqualTo(WEB);
    assertThat(jwt.path("agent_validated_spiffe_id").asText()).as("ValidateJWTSVID on the agent").isEqualTo(WEB);
    assertThat(texts(jwt.path("audience"))).containsExactly(AUDIENCE);
    assertThat(jwt.path("jwt_authorities").asInt()).isPositive();
    assertThat(jwt.path("wrong_audience_error").asText()).as("another audience is refused").isNotEmpty();
  }

  @Test
  void goSpiffeBundleWatchFollowsAnX509CaRotation() {
    BundleWatch watch = new BundleWatch(workspace, "watch-bundles", agent.address());
    String td = SignetServer.TRUST_DOMAIN;
    watch.await("the first bundle", td, a -> a.size() == 1, System.currentTimeMillis(), CLIENT_TIMEOUT);
    String original = watch.authorities(td).getFirst();

    long prepared = System.currentTimeMillis(); // the push beats the CLI's exit: timed from its start, JVM included
    String next = authorityId(server.admin("localauthority", "x509", "prepare", "-output", "json"), "prepared_authority");
    long seenPrepared = watch.await("the prepared authority", td, a -> a.size() == 2, prepared, CLIENT_TIMEOUT);
    server.admin("localauthority", "x509", "activate", "-authorityID", next).requireOk();
    String old = authorityId(server.admin("localauthority", "x509", "show", "-output", "json"), "old");
    server.admin("localauthority", "x509", "taint", "-authorityID", old).requireOk();
    long revoked = System.currentTimeMillis();
    server.admin("localauthority", "x509", "revoke", "-authorityID", old).requireOk();
    long seenRevoked = watch.await("the old authority gone", td, a -> a.size() == 1 && !a.contains(original), revoked,
        CLIENT_TIMEOUT);
    System.out.printf("go-spiffe bundle watch on signet-agent: 2 authorities %d ms after starting the prepare CLI, 1 "
        + "(the new one) %d ms after starting the revoke CLI (each before that CLI exited), %d updates in all%n", seenPrepared, seenRevoked, watch.updates().size());

    // the workload's SVID now chains to the new authority alone: go-spiffe verifies it against the new bundle
    JsonNode x509 = Poll.value("an SVID that verifies against the rotated bundle", CLIENT_TIMEOUT, () -> {
      CommandResult result = Distribution.run(CLIENT_TIMEOUT, List.of(SpirePeers.bin("go-spiffe-client"), "x509",
          "-socket", agent.address(), "-spiffeID", API, "-timeout", "10s"));
      return result.ok() ? java.util.Optional.of(SignetServer.json(result)) : java.util.Optional.empty();
    });
    assertThat(x509.path("verified_spiffe_id").asText()).isEqualTo(API);
    assertThat(x509.path("own_bundle_x509_authorities").asInt()).isEqualTo(1);
  }

  @Test
  void twoWorkloadsOfTwoAgentsHoldAMutualTlsConnection() {
    String otherNode = SignetServer.id("/node/clients-b");
    String backend = SignetServer.id("/workload/backend");
    server.createEntry(otherNode, backend, "unix:uid:" + Uids.current());
    SignetAgent other = new SignetAgent(workspace, server, "b").attestAndStart(otherNode);
    Poll.until("the backend SVID on agent b", Duration.ofSeconds(60),
        () -> other.fetchX509(null).stdout().contains(backend));
    // agent a's workload holds two SVIDs: the client presents its default one, which the server must authorize
    String client = GoSpiffeClient.run("x509", "-socket", agent.address()).path("spiffe_id").asText();
    assertThat(client).isIn(WEB, API);
    GoSpiffeClient.mutualTls(workspace, other.address(), backend, agent.address(), client);
  }

  /** The {@code authority_id} of {@code field} in a {@code localauthority x509 ... -output json} result. */
  private static String authorityId(CommandResult result, String field) {
    String id = SignetServer.json(result.requireOk()).path(field).path("authority_id").asText();
    assertThat(id).as("%s.authority_id in %s", field, result.stdout()).isNotBlank();
    return id;
  }

  private static JsonNode run(List<String> command) {
    return SignetServer.json(Distribution.run(CLIENT_TIMEOUT, command).requireOk());
  }

  private static List<String> concat(List<String> prefix, String... args) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(args));
    return all;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
