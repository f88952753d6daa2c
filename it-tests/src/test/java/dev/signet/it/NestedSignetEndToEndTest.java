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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Signet under Signet, SPIRE's nested topology with real processes: an upstream signet-server and its agent,
 * which serves the downstream server's process an X509-SVID of an entry marked {@code downstream}; a downstream
 * signet-server of the same trust domain with {@code UpstreamAuthority "spire"} on that agent's socket; and a
 * downstream agent whose workload gets an SVID that chains to the upstream root. An upstream X.509 CA rotation
 * (prepare, then activate) reaches the downstream workload's bundle, and the downstream's next CA chains to the
 * new upstream root.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NestedSignetEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String UPSTREAM_NODE = SignetServer.id("/node/upstream-host");
  private static final String DOWNSTREAM_SERVER = SignetServer.id("/nested/downstream-server");
  private static final String DOWNSTREAM_NODE = SignetServer.id("/node/downstream-host");
  private static final String WORKLOAD = SignetServer.id("/nested/workload");
  private static final TrustDomain TD = TrustDomain.parse(SignetServer.TRUST_DOMAIN);

  private final List<Workspace> workspaces = new ArrayList<>();
  private SignetServer upstream;
  private SignetServer downstream;
  private SignetAgent downstreamAgent;

  @Override
  public List<Workspace> workspaces() {
    return workspaces;
  }

  @BeforeAll
  void startBothTiers() {
    Workspace top = new Workspace("nested-upstream");
    Workspace site = new Workspace("nested-downstream");
    workspaces.add(top);
    workspaces.add(site);
    upstream = new SignetServer(top).start();
    SignetAgent upstreamAgent = new SignetAgent(top, upstream, "upstream-agent").attestAndStart(UPSTREAM_NODE);
    // the downstream server runs as this uid: the upstream agent serves it the downstream entry's SVID
    upstream.admin("entry", "create", "-parentID", UPSTREAM_NODE, "-spiffeID", DOWNSTREAM_SERVER,
        "-selector", "unix:uid:" + Uids.current(), "-downstream").requireOk();
    downstream = new SignetServer(site, "20s").withPlugins("""
        UpstreamAuthority "spire" {
            plugin_data {
                server_address = "127.0.0.1"
                server_port = "%d"
                workload_api_socket = "%s"
            }
        }
        """.formatted(upstream.port(), upstreamAgent.socket())).start();
    downstream.createEntryOverGrpc(DOWNSTREAM_NODE, WORKLOAD, "unix:uid:" + Uids.current());
    downstreamAgent = new SignetAgent(site, downstream, "downstream-agent").attestAndStart(DOWNSTREAM_NODE);
  }

  @AfterAll
  void stopAll() {
    workspaces.forEach(Workspace::close);
  }

  private static List<X509Certificate> pem(CommandResult result) throws Exception {
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    for (var certificate : factory.generateCertificates(
        new ByteArrayInputStream(result.stdout().getBytes(StandardCharsets.US_ASCII)))) {
      certificates.add((X509Certificate) certificate);
    }
    return certificates;
  }

  private List<X509Certificate> upstreamRoots() throws Exception {
    return pem(upstream.admin("bundle", "show").requireOk());
  }

  @Test
  @Order(1)
  void theDownstreamWorkloadSvidChainsToTheUpstreamRoot() throws Exception {
    List<X509Certificate> roots = upstreamRoots();
    assertThat(pem(downstream.admin("bundle", "show").requireOk()))
        .as("the downstream bundle holds the upstream roots, not a CA of its own").containsAll(roots);
    try (var source = Spiffe.x509Source(downstreamAgent.address(), WORKLOAD)) {
      X509Svid svid = source.getX509Svid();
      assertThat(svid.getChain()).as("leaf, then the downstream CA signed by the upstream").hasSizeGreaterThanOrEqualTo(2);
      assertThat(svid.getChain().get(1).getSubjectX500Principal().getName()).contains("OU=DOWNSTREAM-1");
      // verified against the upstream roots alone: a verifier that knows only the upstream trusts this SVID
      X509SvidValidator.verifyChain(svid.getChain(), new X509Bundle(TD, new HashSet<>(roots)));
    }
    Set<String> downstreamKeys = jwtKeyIds(downstream);
    assertThat(downstreamKeys).as("the downstream has JWT keys of its own and the upstream's").hasSizeGreaterThan(1);
    assertThat(jwtKeyIds(upstream)).as("the downstream's JWT keys were published upstream")
        .containsAll(downstreamKeys);
  }

  /** The key IDs of the JWT authorities in {@code server}'s bundle (SPIFFE format: a JWKS). */
  private static Set<String> jwtKeyIds(SignetServer server) {
    var jwks = SignetServer.json(server.admin("bundle", "show", "-format", "spiffe").requireOk());
    Set<String> ids = new HashSet<>();
    jwks.path("keys").forEach(key -> {
      if (key.path("use").asText().equals("jwt-svid")) {
        ids.add(key.path("kid").asText());
      }
    });
    return ids;
  }

  @Test
  @Order(2)
  void anUpstreamCaRotationReachesTheDownstreamWorkloadAndItsNextCa() throws Exception {
    Set<X509Certificate> before = new HashSet<>(upstreamRoots());
    try (X509Watch watch = new X509Watch(downstreamAgent.address())) {
      watch.awaitSpiffeId(WORKLOAD, Duration.ofSeconds(30));
      long started = System.nanoTime();
      upstream.admin("localauthority", "x509", "prepare").requireOk();
      long prepared = System.nanoTime();
      List<X509Certificate> added = upstreamRoots().stream().filter(c -> !before.contains(c)).toList();
      assertThat(added).as("the upstream prepared one new root").hasSize(1);
      X509Certificate newRoot = added.getFirst();

      long arrived = Poll.value("the new upstream root in the downstream workload's bundle", Duration.ofSeconds(60),
          () -> watch.updates().stream().filter(u -> u.nanos() > started)
              .filter(u -> bundleOf(u).contains(newRoot)).findFirst().map(X509Watch.Update::nanos));
      // the prepare CLI's own run (a JVM start) is counted in: the root may arrive before the CLI has exited
      System.out.println("nested: upstream x509 prepare started -> new root in the downstream workload's bundle "
          + "after " + TimeUnit.NANOSECONDS.toMillis(arrived - started) + " ms (the prepare CLI ran "
          + TimeUnit.NANOSECONDS.toMillis(prepared - started) + " ms)");

      // the upstream activates it; the downstream's next CA (forced here) is signed under the new root
      String preparedId = SignetServer.json(upstream.admin("localauthority", "x509", "show", "-output", "json")
          .requireOk()).path("prepared").path("authority_id").asText();
      upstream.admin("localauthority", "x509", "activate", "-authorityID", preparedId).requireOk();
      downstream.admin("localauthority", "x509", "prepare").requireOk();
      String downstreamPrepared = SignetServer.json(downstream.admin("localauthority", "x509", "show", "-output",
          "json").requireOk()).path("prepared").path("authority_id").asText();
      downstream.admin("localauthority", "x509", "activate", "-authorityID", downstreamPrepared).requireOk();

      X509Bundle onlyNewRoot = new X509Bundle(TD, Set.of(newRoot));
      X509Svid rotated = Poll.value("a workload SVID chaining to the new upstream root", Duration.ofSeconds(60),
          () -> watch.latest(WORKLOAD).filter(svid -> chainsTo(svid, onlyNewRoot)));
      assertThat(rotated.getSpiffeId().toString()).isEqualTo(WORKLOAD);
      assertThat(watch.errors()).isEmpty();
    }
  }

  private static Set<X509Certificate> bundleOf(X509Watch.Update update) {
    try {
      return update.context().getX509BundleSet().getBundleForTrustDomain(TD).getX509Authorities();
    } catch (io.spiffe.exception.BundleNotFoundException e) {
      return Set.of();
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
}
