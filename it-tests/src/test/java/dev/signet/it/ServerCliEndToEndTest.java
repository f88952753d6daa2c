package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code signet-server} admin CLI end to end, as an operator uses {@code spire-server}: one real server
 * process for the class, every call a separate run of the built {@code signet-server} launcher over the
 * admin socket. Covers healthcheck, entry CRUD and its error paths, join tokens with agent list/show/ban/evict,
 * own and federated bundles, X509/JWT minting, and local authority show/prepare.
 *
 * <p>Tests use their own SPIFFE IDs and compare entry and bundle counts before and after, so they do not depend
 * on their order (the join token also registers an alias entry); only the agent test attests agents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ServerCliEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NODE = SignetServer.id("/node/cli");
  private static final String FOREIGN_TD = "spiffe://other.org";

  private Workspace workspace;
  private SignetServer server;

  @Override
  public List<Workspace> workspaces() {
    return Collections.singletonList(workspace);
  }

  @BeforeAll
  void startServer() {
    workspace = new Workspace("server-cli");
    server = new SignetServer(workspace).start();
  }

  @AfterAll
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void healthcheckReportsHealthyAndFailsOnAMissingSocket() {
    CommandResult healthy = server.admin("healthcheck").requireOk();
    assertThat(healthy.stdout()).contains("Server is healthy.");

    List<String> command = List.of(Distribution.get().serverBin(), "healthcheck", "-socketPath",
        workspace.path("no-such-dir/none.sock").toString());
    CommandResult missing = Distribution.run(Duration.ofSeconds(60), command);
    assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
    assertThat(missing.stderr()).contains("Server is unhealthy");
  }

  @Test
  void entryCreateShowUpdateDeleteAndErrors() {
    String spiffeId = SignetServer.id("/workload/cli-entry");
    // relative: the agent test's join token also registers an entry (the token's -spiffeID alias)
    long before = count("entry");

    JsonNode created = resultEntry(server.admin("entry", "create", "-parentID", NODE, "-spiffeID", spiffeId,
        "-selector", "unix:uid:1000", "-dns", "a.example.org", "-x509SVIDTTL", "600", "-output", "json")
        .requireOk());
    String entryId = created.path("id").asText();
    assertThat(entryId).isNotBlank();

    JsonNode shown = singleEntry(spiffeId);
    assertThat(shown.path("id").asText()).isEqualTo(entryId);
    assertThat(idOf(shown.path("parent_id"))).isEqualTo(NODE);
    assertThat(shown.path("selectors").path(0).path("type").asText()).isEqualTo("unix");
    assertThat(shown.path("selectors").path(0).path("value").asText()).isEqualTo("uid:1000");
    assertThat(textValues(shown.path("dns_names"))).containsExactly("a.example.org");
    assertThat(shown.path("x509_svid_ttl").asInt()).isEqualTo(600);
    assertThat(count("entry")).isEqualTo(before + 1);

    server.admin("entry", "update", "-entryID", entryId, "-parentID", NODE, "-spiffeID", spiffeId,
        "-selector", "unix:uid:1000", "-dns", "b.example.org", "-x509SVIDTTL", "900").requireOk();
    JsonNode updated = SignetServer.json(server.admin("entry", "show", "-entryID", entryId, "-output", "json")
        .requireOk()).path("entries").path(0);
    assertThat(updated.path("id").asText()).as("entry show -entryID: %s", updated).isEqualTo(entryId);
    assertThat(textValues(updated.path("dns_names"))).containsExactly("b.example.org");
    assertThat(updated.path("x509_svid_ttl").asInt()).isEqualTo(900);

    CommandResult duplicate = server.admin("entry", "create", "-parentID", NODE, "-spiffeID", spiffeId,
        "-selector", "unix:uid:1000", "-dns", "b.example.org", "-x509SVIDTTL", "900");
    assertThat(duplicate.exitCode()).as(duplicate.toString()).isNotZero();
    assertThat(duplicate.stderr()).as(duplicate.toString())
        .contains("Failed to create the following entry (code: AlreadyExists").contains(entryId);

    String malformed = SignetServer.id("/a/../b");
    CommandResult bad = server.admin("entry", "create", "-parentID", NODE, "-spiffeID", malformed,
        "-selector", "unix:uid:1000");
    assertThat(bad.exitCode()).as(bad.toString()).isNotZero();
    assertThat(bad.stderr()).as(bad.toString()).startsWith("Error: ").contains(malformed);
    assertThat(count("entry")).as("rejected entries are not stored").isEqualTo(before + 1);

    server.admin("entry", "delete", "-entryID", entryId).requireOk();
    assertThat(entries(spiffeId)).as("entry show after delete").isEmpty();
  }

  @Test
  void joinTokenAgentIsListedShownBannedAndEvicted() {
    // token generate runs inside attestAndStart, which requires its "Token: <token>" output
    SignetAgent agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);
    String agentId = agent.spiffeId();
    assertThat(agentId).as("the join token is a UUID")
        .matches(".*/spire/agent/join_token/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    // the only test that attests agents
    assertThat(count("agent")).isEqualTo(1);

    JsonNode shown = SignetServer.json(server.admin("agent", "show", "-spiffeID", agentId, "-output", "json")
        .requireOk());
    assertThat(idOf(shown.path("id"))).isEqualTo(agentId);
    assertThat(shown.path("attestation_type").asText()).isEqualTo("join_token");
    assertThat(shown.path("banned").asBoolean()).isFalse();
    // the agent reports its version after a sync (PostStatus); agent show prints it as spire-server does
    Poll.until("the agent's version in agent show", java.time.Duration.ofSeconds(60), () -> server.admin("agent",
        "show", "-spiffeID", agentId).requireOk().stdout().matches("(?s).*Agent version\\s+: \\d+\\.\\d+\\.\\d+.*"));

    server.admin("agent", "ban", "-spiffeID", agentId).requireOk();
    JsonNode listed = SignetServer.json(server.admin("agent", "list", "-output", "json").requireOk());
    assertThat(listed.path("agents")).as("agent list after ban: %s", listed).hasSize(1);
    assertThat(idOf(listed.path("agents").path(0).path("id"))).isEqualTo(agentId);
    assertThat(listed.path("agents").path(0).path("banned").asBoolean()).as("agent list after ban: %s", listed)
        .isTrue();

    server.admin("agent", "evict", "-spiffeID", agentId).requireOk();
    assertThat(count("agent")).isZero();
    agent.stop();
  }

  @Test
  void ownAndFederatedBundles() throws IOException {
    String pem = server.admin("bundle", "show").requireOk().stdout();
    assertThat(certificates(pem)).isNotEmpty();

    JsonNode jwks = JSON.readTree(server.admin("bundle", "show", "-format", "spiffe").requireOk().stdout());
    assertThat(jwks.path("keys").size()).as("JWKS keys: %s", jwks).isPositive();
    assertThat(jwks.path("keys").findValuesAsText("use")).contains("x509-svid", "jwt-svid");

    // the foreign trust domain's content: our own CA certificates, which is all bundle set needs
    Path foreign = workspace.path("other-org.pem");
    Files.writeString(foreign, pem);
    server.admin("bundle", "set", "-id", FOREIGN_TD, "-path", foreign.toString()).requireOk();
    long withForeign = count("bundle");
    assertThat(withForeign).as("our own bundle and other.org").isGreaterThanOrEqualTo(2);

    String listed = server.admin("bundle", "list").requireOk().stdout();
    assertThat(listed).contains("* other.org");
    assertThat(certificates(listed)).isEqualTo(certificates(pem));

    server.admin("bundle", "delete", "-id", FOREIGN_TD).requireOk();
    assertThat(count("bundle")).isEqualTo(withForeign - 1);
  }

  @Test
  void x509MintWritesSvidKeyAndBundle() throws IOException {
    String spiffeId = SignetServer.id("/minted/x509");
    Path dir = Files.createDirectories(workspace.path("minted"));
    server.admin("x509", "mint", "-spiffeID", spiffeId, "-write", dir.toString()).requireOk();

    for (String file : List.of("svid.pem", "key.pem", "bundle.pem")) {
      assertThat(dir.resolve(file)).isNotEmptyFile();
    }
    assertThat(Files.readString(dir.resolve("key.pem"))).contains("PRIVATE KEY");
    X509Certificate leaf = certificates(Files.readString(dir.resolve("svid.pem"))).get(0);
    assertThat(uriSans(leaf)).containsExactly(spiffeId);
    assertThat(certificates(Files.readString(dir.resolve("bundle.pem")))).isNotEmpty();
  }

  @Test
  void jwtMintPrintsATokenForTheSubjectAndAudience() throws IOException {
    String spiffeId = SignetServer.id("/minted/jwt");
    String token = server.admin("jwt", "mint", "-spiffeID", spiffeId, "-audience", "aud").requireOk()
        .stdout().strip();
    String[] parts = token.split("\\.");
    assertThat(parts).as(token).hasSize(3);

    JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(payload.path("sub").asText()).isEqualTo(spiffeId);
    JsonNode aud = payload.path("aud");
    assertThat(aud.isArray() ? textValues(aud) : List.of(aud.asText())).containsExactly("aud");
  }

  @Test
  void localAuthoritiesAreShownAndAnX509OneCanBePrepared() {
    JsonNode jwt = authorityState("jwt");
    assertThat(jwt.path("active").path("authority_id").asText()).as("jwt: %s", jwt).isNotBlank();
    JsonNode x509 = authorityState("x509");
    String active = x509.path("active").path("authority_id").asText();
    assertThat(active).as("x509: %s", x509).isNotBlank();
    assertThat(x509.path("prepared").path("authority_id").asText()).as("x509: %s", x509).isEmpty();

    server.admin("localauthority", "x509", "prepare").requireOk();
    JsonNode state = authorityState("x509");
    String prepared = state.path("prepared").path("authority_id").asText();
    assertThat(prepared).as("prepared authority: %s", state).isNotBlank().isNotEqualTo(active);
    assertThat(state.path("active").path("authority_id").asText()).as("preparing does not activate")
        .isEqualTo(active);
  }

  // --- helpers ---

  /** {@code <noun> count -output json}. */
  private long count(String noun) {
    return SignetServer.json(server.admin(noun, "count", "-output", "json").requireOk()).path("count").asLong();
  }

  private JsonNode authorityState(String kind) {
    return SignetServer.json(server.admin("localauthority", kind, "show", "-output", "json").requireOk());
  }

  private List<JsonNode> entries(String spiffeId) {
    List<JsonNode> found = new ArrayList<>();
    SignetServer.json(server.admin("entry", "show", "-spiffeID", spiffeId, "-output", "json").requireOk())
        .path("entries").forEach(found::add);
    return found;
  }

  private JsonNode singleEntry(String spiffeId) {
    List<JsonNode> found = entries(spiffeId);
    assertThat(found).as("entries for %s", spiffeId).hasSize(1);
    return found.get(0);
  }

  private static JsonNode resultEntry(CommandResult result) {
    JsonNode first = SignetServer.json(result).path("results").path(0);
    assertThat(first.path("status").path("code").asInt(-1)).as(result.toString()).isZero();
    return first.path("entry");
  }

  private static String idOf(JsonNode id) {
    return "spiffe://" + id.path("trust_domain").asText() + id.path("path").asText();
  }

  private static List<String> textValues(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }

  private static List<X509Certificate> certificates(String pem) {
    try (InputStream in = new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      return certs.stream().map(X509Certificate.class::cast).toList();
    } catch (CertificateException e) {
      throw new AssertionError("not PEM certificates:\n" + pem, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> uriSans(X509Certificate cert) {
    try {
      List<String> uris = new ArrayList<>();
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          if (Integer.valueOf(6).equals(san.get(0))) {
            uris.add((String) san.get(1));
          }
        }
      }
      return uris;
    } catch (CertificateParsingException e) {
      throw new AssertionError(e);
    }
  }
}
