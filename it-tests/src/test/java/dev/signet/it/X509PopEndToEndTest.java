package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built agent attests to the built server with {@code NodeAttestor "x509pop"}: a node certificate made
 * by openssl ({@link X509PopPki}: an EC key, a root and an intermediate CA), the server's CA bundle, the nonce challenge over
 * the real AttestAgent stream; the agent gets SPIRE's fingerprint-based ID and serves a workload registered
 * under the node's {@code x509pop:subject:cn} alias.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class X509PopEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE_ALIAS = SignetServer.id("/node/edge-vehicle-7");
  private static final String WORKLOAD = SignetServer.id("/workload/telemetry");

  private Workspace workspace;
  private SignetServer server;
  private X509PopPki pki;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeAll
  void start() {
    workspace = new Workspace("x509pop");
    pki = new X509PopPki(workspace.path("pki"), "edge-vehicle-7");
    server = pki.startServer(workspace);
  }

  @AfterAll
  void stop() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void anAgentAttestsWithItsNodeCertificateAndServesItsWorkloads() throws Exception {
    server.createEntryOverGrpc(SignetServer.id("/spire/server"), NODE_ALIAS, "x509pop:subject:cn:edge-vehicle-7");
    server.createEntryOverGrpc(NODE_ALIAS, WORKLOAD, "unix:uid:" + Uids.current());
    SignetAgent agent = new SignetAgent(workspace, server, "a").attestWith("""
        NodeAttestor "x509pop" {
            plugin_data {
                certificate_path = "%s"
                private_key_path = "%s"
                intermediates_path = "%s"
            }
        }""".formatted(pki.nodeCertificate(), pki.nodeKey(), pki.intermediateCertificate()));

    List<String> agents = server.agentIds();
    assertThat(agents).anyMatch(id -> id.matches("spiffe://example\\.org/spire/agent/x509pop/[0-9a-f]{40}"));
    CommandResult fetched = Poll.value("the workload's SVID via the x509pop node alias", Duration.ofSeconds(30), () -> {
      CommandResult result = agent.fetchX509(null);
      return result.ok() && result.stdout().contains(WORKLOAD) ? java.util.Optional.of(result)
          : java.util.Optional.empty();
    });
    assertThat(fetched.stdout()).contains("SPIFFE ID:\t\t" + WORKLOAD);
  }
}
