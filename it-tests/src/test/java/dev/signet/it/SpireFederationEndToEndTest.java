package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Federation both ways between a Signet trust domain ({@code signet-server}, {@code example.org}) and a SPIRE
 * trust domain (a real {@code spire-server} v1.13.3, {@code spire.test}), once with both bundle endpoints on
 * profile {@code https_spiffe} and once on {@code https_web} (serving certificates of a private Web PKI that
 * both servers trust through {@code SSL_CERT_FILE}). Each relationship is created with the CLI of the server that
 * holds it ({@code federation create}); an entry on each side federates with the other; a {@code signet-agent}
 * and a real {@code spire-agent} serve the two workloads. Each workload then verifies the other's X509-SVID and
 * validates its JWT-SVID with the bundles of its own agent (go-spiffe, and the agent's own {@code api validate
 * jwt}), the two hold a spiffetls mutual-TLS connection, and a new authority prepared on either server reaches the
 * other side's workload through the bundle endpoint (times printed). With https_spiffe, a relationship naming a
 * wrong endpoint SPIFFE ID is refused by both servers and leaves the stored bundle as it was.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SpireFederationEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String SIGNET_TD = SignetServer.TRUST_DOMAIN;
  private static final String SPIRE_TD = "spire.test";
  private static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(90);

  private final List<Workspace> workspaces = new ArrayList<>();
  private SignetServer signet;
  private SpireServer spire;
  private int signetEndpoint;
  private int spireEndpoint;

  @Override
  public List<Workspace> workspaces() {
    return workspaces;
  }

  @AfterEach
  void stopAll() {
    workspaces.forEach(Workspace::close);
  }

  @ParameterizedTest(name = "bundle endpoints on {0}")
  @ValueSource(strings = {"https_spiffe", "https_web"})
  void aSignetAndASpireTrustDomainFederateBothWays(String profile) throws IOException {
    Workspace workspace = new Workspace("spire-federation-" + profile);
    workspaces.add(workspace);
    WebPki webPki = new WebPki(workspace.path("webpki"));
    Map<String, String> trustTestWebRoot = Map.of("SSL_CERT_FILE", webPki.rootCertificate());
    signetEndpoint = Workspace.freePort();
    spireEndpoint = Workspace.freePort();
    signet = new SignetServer(workspace).withServerBlocks(bundleEndpoint(signetEndpoint, profile, webPki))
        .withEnvironment(trustTestWebRoot).start();
    spire = new SpireServer(workspace).withTrustDomain(SPIRE_TD)
        .withServerBlocks(bundleEndpoint(spireEndpoint, profile, webPki)).withEnvironment(trustTestWebRoot).start();

    federate(signet, SPIRE_TD, spireEndpoint, profile, spire, workspace);
    federate(spire, SIGNET_TD, signetEndpoint, profile, signet, workspace);
    long created = System.nanoTime();
    long stored = Poll.value("each server storing the other's bundle", PROPAGATION_LIMIT, () ->
        authorities(signet, SPIRE_TD) == 1 && authorities(spire, SIGNET_TD) == 1
            ? Optional.of(System.nanoTime()) : Optional.empty());
    System.out.printf("federation %s: both federation create commands returned -> each server shows the other's "
        + "bundle (bundle list) %d ms later%n",
        profile, TimeUnit.NANOSECONDS.toMillis(stored - created));

    String selector = "unix:uid:" + Uids.current();
    String signetWorkload = signet.spiffeId("/workload/signet-side");
    String spireWorkload = spire.spiffeId("/workload/spire-side");
    signet.createEntry(signet.spiffeId("/node/signet"), signetWorkload, selector, "-federatesWith",
        "spiffe://" + SPIRE_TD);
    spire.createEntry(spire.spiffeId("/node/spire"), spireWorkload, selector, "-federatesWith", "spiffe://" + SIGNET_TD);
    SignetAgent signetAgent = new SignetAgent(workspace, signet, "sa").attestAndStart(signet.spiffeId("/node/signet"));
    SpireAgent spireAgent = new SpireAgent(workspace, spire, "pa").attestAndStart(spire.spiffeId("/node/spire"));
    spireAgent.awaitServing(spireWorkload, Duration.ofSeconds(60));

    JsonNode onSignet = awaitBothBundles(signetAgent.address(), signetWorkload);
    JsonNode onSpire = awaitBothBundles(spireAgent.address(), spireWorkload);
    assertThat(onSignet.path("verified_spiffe_id").asText()).isEqualTo(signetWorkload);
    assertThat(onSpire.path("verified_spiffe_id").asText()).isEqualTo(spireWorkload);

    // X.509: each workload verifies the other's SVID chain with the bundles its own agent serves
    Files.createDirectories(workspace.path("spire-svid")); // spire-agent's -write needs the directory
    Path signetChain = writeSvidChain(signetAgent.cli(null, "api", "fetch", "x509", "-write",
        workspace.path("signet-svid").toString()), workspace.path("signet-svid"));
    Path spireChain = writeSvidChain(spireAgent.cli("api", "fetch", "x509", "-write",
        workspace.path("spire-svid").toString()), workspace.path("spire-svid"));
    assertThat(GoSpiffeClient.run("verify-x509", "-socket", spireAgent.address(), "-svid", signetChain.toString())
        .path("verified_spiffe_id").asText()).as("the SPIRE workload verifies the Signet SVID").isEqualTo(signetWorkload);
    assertThat(GoSpiffeClient.run("verify-x509", "-socket", signetAgent.address(), "-svid", spireChain.toString())
        .path("verified_spiffe_id").asText()).as("the Signet workload verifies the SPIRE SVID").isEqualTo(spireWorkload);

    // JWT: a token for the other workload validates there, offline (go-spiffe) and through the agent
    String signetToken = token(signetAgent.cli(null, "api", "fetch", "jwt", "-audience", spireWorkload));
    String spireToken = token(spireAgent.cli("api", "fetch", "jwt", "-audience", signetWorkload));
    assertThat(GoSpiffeClient.run("validate-jwt", "-socket", spireAgent.address(), "-audience", spireWorkload, "-token",
        signetToken).path("verified_spiffe_id").asText()).isEqualTo(signetWorkload);
    assertThat(GoSpiffeClient.run("validate-jwt", "-socket", signetAgent.address(), "-audience", signetWorkload, "-token",
        spireToken).path("verified_spiffe_id").asText()).isEqualTo(spireWorkload);
    assertThat(spireAgent.cli("api", "validate", "jwt", "-audience", spireWorkload, "-svid", signetToken).requireOk()
        .stdout()).as("spire-agent's ValidateJWTSVID").contains("SVID is valid.").contains(signetWorkload);
    assertThat(signetAgent.cli(null, "api", "validate", "jwt", "-audience", signetWorkload, "-svid", spireToken)
        .requireOk().stdout()).as("signet-agent's ValidateJWTSVID").contains("SVID is valid.").contains(spireWorkload);
    assertThat(spireAgent.cli("api", "validate", "jwt", "-audience", "spiffe://spire.test/someone-else", "-svid",
        signetToken).ok()).as("another audience is refused").isFalse();

    // mutual TLS: the SPIRE workload serves, the Signet workload dials; each authorizes the other's SPIFFE ID
    GoSpiffeClient.mutualTls(workspace, spireAgent.address(), spireWorkload, signetAgent.address(), signetWorkload);

    if (profile.equals("https_spiffe")) {
      aWrongEndpointSpiffeIdIsRefusedAndTheStoredBundleKept();
    }
    rotationsReachTheOtherSidesWorkload(profile, workspace, signetAgent, spireAgent);
  }

  /**
   * The {@code bundle_endpoint} block both servers get. {@code file_sync_interval} is spelled out: spire-server
   * v1.13.3 fails to start without it ({@code time: invalid duration ""}) although its documented default is 1h,
   * which signet-server applies.
   */
  private static String bundleEndpoint(int port, String profile, WebPki webPki) {
    String profileBlock = profile.equals("https_web") ? """
        profile "https_web" {
            serving_cert_file {
                cert_file_path = "%s"
                key_file_path = "%s"
                file_sync_interval = "1h"
            }
        }""".formatted(webPki.servingCertificate(), webPki.servingKey()) : "profile \"https_spiffe\" {}";
    return """
        federation {
            bundle_endpoint {
                address = "127.0.0.1"
                port = %d
                refresh_hint = "1m"
                %s
            }
        }
        """.formatted(port, profileBlock);
  }

  /**
   * {@code federation create} with {@code server}'s own CLI; https_spiffe relationships are bootstrapped with the
   * other server's {@code bundle show -format spiffe}, as SPIRE documents.
   */
  private static void federate(AdminServer server, String trustDomain, int port, String profile, AdminServer other,
      Workspace workspace) throws IOException {
    List<String> command = new ArrayList<>(List.of("federation", "create", "-trustDomain", trustDomain,
        "-bundleEndpointURL", "https://127.0.0.1:" + port, "-bundleEndpointProfile", profile));
    if (profile.equals("https_spiffe")) {
      Path bootstrap = workspace.path(trustDomain + ".bootstrap.json");
      Files.writeString(bootstrap, other.admin("bundle", "show", "-format", "spiffe").requireOk().stdout());
      command.addAll(List.of("-endpointSpiffeID", "spiffe://" + trustDomain + "/spire/server", "-trustDomainBundlePath",
          bootstrap.toString(), "-trustDomainBundleFormat", "spiffe"));
    }
    assertThat(server.admin(command.toArray(String[]::new)).requireOk().stdout()).contains(trustDomain);
  }

  /** The X.509 authorities {@code server} stores for {@code trustDomain} ({@code bundle list -id}); 0 when none. */
  private static int authorities(AdminServer server, String trustDomain) {
    CommandResult pem = server.admin("bundle", "list", "-id", "spiffe://" + trustDomain);
    return pem.ok() ? pem.stdout().split("BEGIN CERTIFICATE", -1).length - 1 : 0;
  }

  /** go-spiffe's X509Source on the socket until its bundles hold both trust domains. */
  private static JsonNode awaitBothBundles(String address, String spiffeId) {
    return Poll.value("both trust domains' bundles on " + address, PROPAGATION_LIMIT, () -> {
      CommandResult x509 = Distribution.run(GoSpiffeClient.TIMEOUT, List.of(SpirePeers.bin("go-spiffe-client"), "x509",
          "-socket", address, "-spiffeID", spiffeId, "-timeout", "10s"));
      if (!x509.ok()) {
        return Optional.empty();
      }
      JsonNode facts = SignetServer.json(x509);
      List<String> domains = new ArrayList<>();
      facts.path("bundle_trust_domains").forEach(n -> domains.add(n.asText()));
      return domains.equals(List.of(SIGNET_TD, SPIRE_TD)) ? Optional.of(facts) : Optional.empty();
    });
  }

  private static Path writeSvidChain(CommandResult fetch, Path dir) {
    fetch.requireOk();
    Path chain = dir.resolve("svid.0.pem");
    assertThat(chain).as("api fetch x509 -write").exists();
    return chain;
  }

  /** The token of {@code api fetch jwt}'s pretty output ({@code token(<id>):} then the token on the next line). */
  private static String token(CommandResult fetch) {
    String[] lines = fetch.requireOk().stdout().split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].startsWith("token(")) {
        return lines[i + 1].strip();
      }
    }
    throw new AssertionError("no token in " + fetch);
  }

  /**
   * Each relationship is switched to a wrong endpoint SPIFFE ID ({@code federation update}); the other server
   * prepares a new authority, and {@code federation refresh} fails on both servers while the stored bundle keeps its
   * one authority. The relationships stay broken until {@link #rotationsReachTheOtherSidesWorkload} mends them.
   */
  private void aWrongEndpointSpiffeIdIsRefusedAndTheStoredBundleKept() {
    String signetStored = signet.admin("bundle", "list", "-id", "spiffe://" + SPIRE_TD).requireOk().stdout();
    String spireStored = spire.admin("bundle", "list", "-id", "spiffe://" + SIGNET_TD).requireOk().stdout();
    setEndpointId(signet, SPIRE_TD, spireEndpoint, "/not/the/server");
    setEndpointId(spire, SIGNET_TD, signetEndpoint, "/not/the/server");
    signet.admin("localauthority", "x509", "prepare").requireOk();
    spire.admin("localauthority", "x509", "prepare").requireOk();

    CommandResult signetRefresh = signet.admin("federation", "refresh", "-id", SPIRE_TD);
    CommandResult spireRefresh = spire.admin("federation", "refresh", "-id", SIGNET_TD);
    System.out.printf("federation https_spiffe, wrong endpoint SPIFFE ID: signet-server refresh -> exit %d: %s | "
        + "spire-server refresh -> exit %d: %s%n", signetRefresh.exitCode(), signetRefresh.output().strip(),
        spireRefresh.exitCode(), spireRefresh.output().strip());
    assertThat(signetRefresh.ok()).as("signet-server refuses the endpoint: %s", signetRefresh).isFalse();
    assertThat(spireRefresh.ok()).as("spire-server refuses the endpoint: %s", spireRefresh).isFalse();
    // the server's own reason, not a dial error (SPIRE says Internal; Signet keeps Internal for its own bugs)
    assertThat(signetRefresh.output()).contains("code = Unavailable").contains("not refreshed");
    assertThat(spireRefresh.output()).contains("unexpected ID \"spiffe://example.org/spire/server\"");
    assertThat(signet.admin("bundle", "list", "-id", "spiffe://" + SPIRE_TD).requireOk().stdout())
        .as("signet-server's stored bundle of spire.test is untouched").isEqualTo(signetStored);
    assertThat(spire.admin("bundle", "list", "-id", "spiffe://" + SIGNET_TD).requireOk().stdout())
        .as("spire-server's stored bundle of example.org is untouched").isEqualTo(spireStored);
  }

  private static void setEndpointId(AdminServer server, String trustDomain, int port, String path) {
    server.admin("federation", "update", "-trustDomain", trustDomain, "-bundleEndpointURL", "https://127.0.0.1:" + port,
        "-bundleEndpointProfile", "https_spiffe", "-endpointSpiffeID", "spiffe://" + trustDomain + path).requireOk();
  }

  /**
   * A new X.509 authority on each server reaches the other side's workload through the bundle endpoint: with
   * https_spiffe the authorities prepared above (once {@code federation update} restores the endpoint SPIFFE ID,
   * fetched by {@code federation refresh}), with https_web a
   * preparation now (fetched on the servers' own schedule, a quarter of the 1m refresh hint), seen on a go-spiffe
   * bundle watch of each workload.
   */
  private void rotationsReachTheOtherSidesWorkload(String profile, Workspace workspace, SignetAgent signetAgent,
      SpireAgent spireAgent) {
    BundleWatch onSignet = new BundleWatch(workspace, "watch-signet-side", signetAgent.address());
    BundleWatch onSpire = new BundleWatch(workspace, "watch-spire-side", spireAgent.address());
    long start = System.currentTimeMillis();
    onSignet.await("spire.test's bundle", SPIRE_TD, a -> !a.isEmpty(), start, GoSpiffeClient.TIMEOUT);
    onSpire.await("example.org's bundle", SIGNET_TD, a -> !a.isEmpty(), start, GoSpiffeClient.TIMEOUT);
    String how;
    long since;
    if (profile.equals("https_spiffe")) {
      // the authorities were prepared while the relationships were broken: mended, one refresh on each side fetches them
      assertThat(onSignet.authorities(SPIRE_TD)).hasSize(1);
      assertThat(onSpire.authorities(SIGNET_TD)).hasSize(1);
      since = System.currentTimeMillis();
      setEndpointId(signet, SPIRE_TD, spireEndpoint, "/spire/server");
      setEndpointId(spire, SIGNET_TD, signetEndpoint, "/spire/server");
      signet.admin("federation", "refresh", "-id", SPIRE_TD).requireOk();
      spire.admin("federation", "refresh", "-id", SIGNET_TD).requireOk();
      how = "federation update (right endpoint SPIFFE ID) + federation refresh on both servers";
    } else {
      since = System.currentTimeMillis();
      signet.admin("localauthority", "x509", "prepare").requireOk();
      spire.admin("localauthority", "x509", "prepare").requireOk();
      how = "localauthority x509 prepare on both servers (no refresh call)";
    }
    long toSignetSide = onSignet.await("spire.test's prepared authority", SPIRE_TD, a -> a.size() == 2, since,
        PROPAGATION_LIMIT);
    long toSpireSide = onSpire.await("example.org's prepared authority", SIGNET_TD, a -> a.size() == 2, since,
        PROPAGATION_LIMIT);
    assertThat(onSignet.authorities(SIGNET_TD)).as("the Signet workload's own bundle").hasSize(2);
    assertThat(onSpire.authorities(SPIRE_TD)).as("the SPIRE workload's own bundle").hasSize(2);
    System.out.printf("federation %s: %s (timed from the first command starting) -> new authority on the other "
        + "side's go-spiffe bundle watch: SPIRE -> Signet workload %d ms, Signet -> SPIRE workload %d ms%n", profile,
        how, toSignetSide, toSpireSide);
  }
}
