package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.spiffeid.TrustDomain;
import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.svid.x509svid.X509SvidValidator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPIRE's nested topology across implementations, with real SPIRE v1.13.3 processes: a {@code spire-server}
 * downstream of signet-server (SPIRE's own {@code UpstreamAuthority "spire"} through a signet-agent), and a
 * signet-server downstream of a {@code spire-server} (our {@code UpstreamAuthority "spire"} through a
 * {@code spire-agent}). In both, a workload of the downstream gets an SVID that verifies against the upstream's
 * roots alone, the downstream's JWT keys reach the upstream's bundle, and an upstream CA rotation ({@code
 * localauthority x509 prepare}/{@code activate} through the upstream's own CLI, then through the downstream's) reaches
 * the downstream's workload: first the new upstream root in its bundle, then an SVID that chains to that root, on one
 * Workload API stream that never fails.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class NestedSpireInteropEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String UPSTREAM_NODE = SignetServer.id("/node/upstream-host");
  private static final String DOWNSTREAM_SERVER = SignetServer.id("/nested/downstream-server");
  private static final String DOWNSTREAM_NODE = SignetServer.id("/node/downstream-host");
  private static final String WORKLOAD = SignetServer.id("/nested/workload");
  private static final TrustDomain TD = TrustDomain.parse(SignetServer.TRUST_DOMAIN);

  private Workspace workspace;

  @Override
  public List<Workspace> workspaces() {
    return workspace == null ? List.of() : List.of(workspace);
  }

  @AfterEach
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  private static String upstreamAuthority(AdminServer upstream, java.nio.file.Path agentSocket) {
    return """
        UpstreamAuthority "spire" {
            plugin_data {
                server_address = "127.0.0.1"
                server_port = "%d"
                workload_api_socket = "%s"
            }
        }
        """.formatted(upstream.port(), agentSocket);
  }

  private static void createDownstreamEntry(AdminServer upstream) {
    upstream.admin("entry", "create", "-parentID", UPSTREAM_NODE, "-spiffeID", DOWNSTREAM_SERVER,
        "-selector", "unix:uid:" + Uids.current(), "-downstream").requireOk();
  }

  @Test
  void spireServerUnderSignetServer() throws Exception {
    workspace = new Workspace("nested-spire-under-signet");
    SignetServer upstream = new SignetServer(workspace).start();
    SignetAgent upstreamAgent = new SignetAgent(workspace, upstream, "upstream-agent").attestAndStart(UPSTREAM_NODE);
    createDownstreamEntry(upstream);
    SpireServer downstream = new SpireServer(workspace)
        .withPlugins(upstreamAuthority(upstream, upstreamAgent.socket())).start();
    // a short SVID lifetime: the workload's next SVID, after the rotation, comes within the test's patience
    downstream.createEntry(DOWNSTREAM_NODE, WORKLOAD, "unix:uid:" + Uids.current(), "-x509SVIDTTL", "20");
    SignetAgent downstreamAgent = new SignetAgent(workspace, downstream, "downstream-agent")
        .attestAndStart(DOWNSTREAM_NODE);

    assertWorkloadChainsTo(downstreamAgent, pem(upstream.admin("bundle", "show").requireOk()));
    assertJwtKeysPublished(downstream, upstream);
    assertUpstreamRotationReachesTheWorkload(upstream, downstream, downstreamAgent);
  }

  @Test
  void signetServerUnderSpireServer() throws Exception {
    workspace = new Workspace("nested-signet-under-spire");
    SpireServer upstream = new SpireServer(workspace).start();
    SpireAgent upstreamAgent = new SpireAgent(workspace, upstream, "upstream-agent").attestAndStart(UPSTREAM_NODE);
    createDownstreamEntry(upstream);
    upstreamAgent.awaitServing(DOWNSTREAM_SERVER, Duration.ofSeconds(60));
    SignetServer downstream = new SignetServer(workspace)
        .withPlugins(upstreamAuthority(upstream, upstreamAgent.socket())).start();
    // a short SVID lifetime: the workload's next SVID, after the rotation, comes within the test's patience
    downstream.createEntry(DOWNSTREAM_NODE, WORKLOAD, "unix:uid:" + Uids.current(), "-x509SVIDTTL", "20");
    SignetAgent downstreamAgent = new SignetAgent(workspace, downstream, "downstream-agent")
        .attestAndStart(DOWNSTREAM_NODE);

    assertWorkloadChainsTo(downstreamAgent, pem(upstream.admin("bundle", "show").requireOk()));
    assertJwtKeysPublished(downstream, upstream);
    assertUpstreamRotationReachesTheWorkload(upstream, downstream, downstreamAgent);
  }

  /**
   * The upstream prepares a new X.509 authority: its root reaches the downstream workload's bundle. The upstream
   * activates it and the downstream rotates to a CA of its own signed under it: the workload's SVID then chains to
   * the new root alone. One Workload API stream watches it all and sees no error.
   */
  private static void assertUpstreamRotationReachesTheWorkload(AdminServer upstream, AdminServer downstream,
      SignetAgent downstreamAgent) throws Exception {
    java.util.Set<X509Certificate> before = new HashSet<>(pem(upstream.admin("bundle", "show").requireOk()));
    try (X509Watch watch = new X509Watch(downstreamAgent.address())) {
      watch.awaitSpiffeId(WORKLOAD, Duration.ofSeconds(30));
      long started = System.nanoTime();
      upstream.admin("localauthority", "x509", "prepare").requireOk();
      List<X509Certificate> added = pem(upstream.admin("bundle", "show").requireOk()).stream()
          .filter(c -> !before.contains(c)).toList();
      assertThat(added).as("the upstream prepared one new root").hasSize(1);
      X509Certificate newRoot = added.getFirst();
      Poll.until("the new upstream root in the downstream workload's bundle", Duration.ofSeconds(90),
          () -> watch.updates().stream().filter(u -> u.nanos() > started).anyMatch(u -> bundleOf(u).contains(newRoot)));

      upstream.admin("localauthority", "x509", "activate", "-authorityID", preparedAuthority(upstream)).requireOk();
      downstream.admin("localauthority", "x509", "prepare").requireOk();
      downstream.admin("localauthority", "x509", "activate", "-authorityID", preparedAuthority(downstream))
          .requireOk();

      X509Bundle onlyNewRoot = new X509Bundle(TD, java.util.Set.of(newRoot));
      X509Svid rotated = Poll.value("a downstream workload SVID chaining to the new upstream root",
          Duration.ofSeconds(90), () -> watch.latest(WORKLOAD).filter(svid -> chainsTo(svid, onlyNewRoot)));
      assertThat(rotated.getSpiffeId().toString()).isEqualTo(WORKLOAD);
      assertThat(watch.errors()).isEmpty();
    }
  }

  /** The prepared X.509 authority's ID, from {@code localauthority x509 show -output json} (SPIRE's CLI or ours). */
  private static String preparedAuthority(AdminServer server) {
    var prepared = AdminServer.json(server.admin("localauthority", "x509", "show", "-output", "json").requireOk())
        .path("prepared");
    String id = prepared.path("authority_id").asText(prepared.path("authorityId").asText(""));
    assertThat(id).as("a prepared authority").isNotBlank();
    return id;
  }

  private static java.util.Set<X509Certificate> bundleOf(X509Watch.Update update) {
    try {
      return update.context().getX509BundleSet().getBundleForTrustDomain(TD).getX509Authorities();
    } catch (io.spiffe.exception.BundleNotFoundException e) {
      return java.util.Set.of();
    }
  }

  private static boolean chainsTo(X509Svid svid, X509Bundle bundle) {
    try {
      X509SvidValidator.verifyChain(svid.getChain(), bundle);
      return true;
    } catch (java.security.cert.CertificateException | io.spiffe.exception.BundleNotFoundException e) {
      return false;
    }
  }

  private static void assertWorkloadChainsTo(SignetAgent agent, List<X509Certificate> upstreamRoots)
      throws Exception {
    try (var source = Spiffe.x509Source(agent.address(), WORKLOAD)) {
      X509Svid svid = source.getX509Svid();
      assertThat(svid.getChain()).as("leaf, then the downstream CA signed by the upstream")
          .hasSizeGreaterThanOrEqualTo(2);
      X509SvidValidator.verifyChain(svid.getChain(), new X509Bundle(TD, new HashSet<>(upstreamRoots)));
    }
  }

  /** Every JWT key of the downstream's bundle is in the upstream's (SPIRE's CLI and ours print the same JWKS). */
  private static void assertJwtKeysPublished(AdminServer downstream, AdminServer upstream) {
    var downstreamKeys = jwtKeyIds(downstream);
    assertThat(downstreamKeys).as("the downstream has JWT keys").isNotEmpty();
    Poll.until("the downstream's JWT keys " + downstreamKeys + " in the upstream bundle", Duration.ofSeconds(30),
        () -> jwtKeyIds(upstream).containsAll(downstreamKeys));
  }

  private static java.util.Set<String> jwtKeyIds(AdminServer server) {
    var jwks = AdminServer.json(server.admin("bundle", "show", "-format", "spiffe").requireOk());
    java.util.Set<String> ids = new HashSet<>();
    jwks.path("keys").forEach(key -> {
      if (key.path("use").asText().equals("jwt-svid")) {
        ids.add(key.path("kid").asText());
      }
    });
    return ids;
  }

  private static List<X509Certificate> pem(CommandResult result) throws Exception {
    List<X509Certificate> certificates = new ArrayList<>();
    for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(
        new ByteArrayInputStream(result.stdout().getBytes(StandardCharsets.US_ASCII)))) {
      certificates.add((X509Certificate) certificate);
    }
    return certificates;
  }
}
