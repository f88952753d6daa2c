package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * signet-gateway as a real process in front of a tiny HTTP upstream, its SVID from a real agent, decisions
 * asked of the server's access API over mTLS (policy files and trust scores there; the in-process policy mode
 * runs in {@code GatewayMeshEndToEndTest}); curl and {@code openssl s_client} as callers with SVIDs written by
 * {@code signet-agent api fetch x509 -write}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GatewayEndToEndTest extends OneWorkspaceTest {
  private static final String NODE = SignetServer.id("/node/gateway");
  private static final String GATEWAY = SignetServer.id("/workload/gateway");
  private static final String CALLER = SignetServer.id("/workload/caller");
  private static final String HEADER = GatewayProcess.IDENTITY_HEADER;

  private final int gatewayPort = Workspace.freePort();
  private final int accessPort = Workspace.freePort();
  private final List<Map<String, List<String>>> upstreamSaw = new CopyOnWriteArrayList<>();
  private HttpServer upstream;
  private Path svids;
  private int caller;
  private SignetServer server;

  @BeforeAll
  void start() throws Exception {
    workspace = new Workspace("gateway");
    Path policies = Files.createDirectories(workspace.path("policies"));
    Files.writeString(policies.resolve("gateway.yaml"), """
        policies:
          - name: gateway
            rules:
              - id: caller-reads-public
                effect: allow
                principals: ["%s"]
                actions: ["GET"]
                resources: ["/public/*"]
                # trust scores live in the server: this condition holds only when the server decides
                condition: "trust.score >= 0"
        """.formatted(CALLER));
    server = new SignetServer(workspace).withBlocks("""
        access_api {
          bind_address = "127.0.0.1"
          bind_port = %d
          tls = true
          policy_dir = "%s"
          decision_clients = ["%s"]
        }
        """.formatted(accessPort, policies, GATEWAY)).start();
    server.createEntry(NODE, GATEWAY, "unix:uid:" + Uids.current());
    server.createEntry(NODE, CALLER, "unix:uid:" + Uids.current());
    SignetAgent agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);

    upstream = GatewayProcess.identityEchoUpstream(headers -> upstreamSaw.add(Map.copyOf(headers)));

    Path config = workspace.path("gateway.conf");
    Files.writeString(config, """
        gateway {
          socket_path = "%s"
          spiffe_id = "%s"
          data_dir = "%s"
          log_level = "DEBUG"
        }
        policy {
          remote { address = "127.0.0.1:%d" }
        }
        inbound "api" {
          mode = "http"
          listen = "127.0.0.1:%d"
          upstream = "127.0.0.1:%d"
        }
        """.formatted(agent.socket(), GATEWAY, workspace.path("gateway-data"), accessPort, gatewayPort,
        upstream.getAddress().getPort()));
    CommandResult validate = Distribution.run(Duration.ofSeconds(60),
        List.of(GatewayProcess.bin(), "validate", "-config", config.toString()));
    assertThat(validate.exitCode()).as(validate.stderr()).isZero();
    GatewayProcess.start(workspace, "gateway", config, gatewayPort);

    svids = workspace.path("svids");
    CommandResult fetched = agent.cli(null, "api", "fetch", "x509", "-write", svids.toString());
    assertThat(fetched.exitCode()).as(fetched.stderr()).isZero();
    caller = indexOf(CALLER);
  }

  @AfterAll
  void stop() {
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  /** Which {@code svid.N.pem} the agent wrote for {@code id}. */
  private int indexOf(String id) throws Exception {
    for (int n = 0; Files.exists(svids.resolve("svid." + n + ".pem")); n++) {
      X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(svids.resolve("svid." + n + ".pem"))));
      if (leaf.getSubjectAlternativeNames().stream().anyMatch(n2 -> id.equals(n2.get(1)))) {
        return n;
      }
    }
    throw new AssertionError("no svid for " + id + " in " + svids);
  }

  private CommandResult curl(String path, String... extra) {
    List<String> command = new ArrayList<>(List.of(Distribution.requireTool("curl"), "-sS", "-k",
        "--cert", svids.resolve("svid." + caller + ".pem").toString(),
        "--key", svids.resolve("svid." + caller + ".key").toString(),
        "-w", "\nstatus=%{http_code}\n"));
    command.addAll(List.of(extra));
    command.add("https://127.0.0.1:" + gatewayPort + path);
    return Distribution.run(Duration.ofSeconds(30), command);
  }

  @Test
  void anAllowedCurlCallReachesTheUpstreamWithTheCallersIdentityAndAForgedHeaderRemoved() {
    CommandResult result = curl("/public/hello", "-H", HEADER + ": By=x;URI=" + SignetServer.id("/workload/admin"));
    assertThat(result.stdout()).as(result.stderr()).contains("status=200")
        .contains("upstream saw By=" + GATEWAY + ";URI=" + CALLER);
    assertThat(upstreamSaw.getLast().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(HEADER))
        .flatMap(e -> e.getValue().stream()).toList()).containsExactly("By=" + GATEWAY + ";URI=" + CALLER);
  }

  @Test
  void theServerDecidedAndRecordedEachDecisionAskedByTheGateway() throws Exception {
    CommandResult result = curl("/public/audited");
    assertThat(result.stdout()).as(result.stderr()).contains("status=200");
    Path trail = server.dataDir().resolve("audit.log");
    Poll.until("the server's audit trail records the decision", Duration.ofSeconds(10), () ->
        lines(trail).stream().anyMatch(line -> line.contains("\"policy.evaluate\"")
            && line.contains("\"actor\":\"" + GATEWAY + "\"") && line.contains(CALLER)
            && line.contains("/public/audited") && line.contains("\"outcome\":\"allow\"")));
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aDeniedCurlCallGets403ProblemJsonAndNeverReachesTheUpstream() {
    int before = upstreamSaw.size();
    CommandResult result = curl("/private/salaries", "-i");
    assertThat(result.stdout()).as(result.stderr()).contains("status=403")
        .containsIgnoringCase("content-type: application/problem+json").contains("\"status\":403");
    assertThat(upstreamSaw).hasSize(before);
  }

  @Test
  void aCallerWithoutACertificateIsRefusedAtTheHandshake() {
    int before = upstreamSaw.size();
    CommandResult result = Distribution.run(Duration.ofSeconds(30), List.of(Distribution.requireTool("curl"), "-sS",
        "-k", "https://127.0.0.1:" + gatewayPort + "/public/hello"));
    assertThat(result.exitCode()).isNotZero();
    assertThat(upstreamSaw).hasSize(before);
  }

  @Test
  void opensslSClientVerifiesTheGatewayAgainstTheBundleAndGetsThrough() throws Exception {
    Path request = workspace.path("request.txt");
    Files.writeString(request, "GET /public/openssl HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");
    List<String> command = List.of("/bin/sh", "-c", String.join(" ", Distribution.requireTool("openssl"),
        "s_client", "-quiet", "-tls1_3", "-verify_return_error", "-connect", "127.0.0.1:" + gatewayPort,
        "-CAfile", svids.resolve("bundle." + caller + ".pem").toString(),
        "-cert", svids.resolve("svid." + caller + ".pem").toString(),
        "-key", svids.resolve("svid." + caller + ".key").toString(), "<", request.toString()));
    CommandResult result = Distribution.run(Duration.ofSeconds(30), command);
    assertThat(result.stdout()).as(result.stderr()).startsWith("HTTP/1.1 200")
        .contains("upstream saw By=" + GATEWAY + ";URI=" + CALLER);
  }
}
