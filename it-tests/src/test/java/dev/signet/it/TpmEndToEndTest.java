package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.attestors.node.tpm.Swtpm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built agent attests to the built server with {@code NodeAttestor "tpm"} against a real swtpm over TCP:
 * the EK certificate chains to swtpm's local CA (the server's {@code ca_path}), the credential activation and
 * a quote of PCR 16 go over the real AttestAgent stream, and a workload registered under a node alias on
 * the agent's {@code tpm:pub_hash} selector gets its SVID.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TpmEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE_ALIAS = SignetServer.id("/node/tpm-host");
  private static final String WORKLOAD = SignetServer.id("/workload/attested-by-tpm");

  private Workspace workspace;
  private Swtpm swtpm;
  private SignetServer server;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeAll
  void start() throws Exception {
    workspace = new Workspace("tpm");
    swtpm = Swtpm.start(workspace.path("swtpm"));
    Path cas = Files.createDirectories(workspace.path("tpm-cas"));
    for (Path ca : swtpm.manufacturerCas()) {
      Files.copy(ca, cas.resolve(ca.getFileName()));
    }
    server = new SignetServer(workspace).withPlugins("""
        NodeAttestor "tpm" {
            plugin_data {
                ca_path = "%s"
                pcrs = [16]
            }
        }""".formatted(cas)).start();
  }

  @AfterAll
  void stop() {
    try {
      if (workspace != null) {
        workspace.close();
      }
    } finally {
      if (swtpm != null) {
        swtpm.close();
      }
    }
  }

  @Test
  void anAgentAttestsWithItsTpmAndServesItsWorkloads() throws Exception {
    SignetAgent agent = new SignetAgent(workspace, server, "a").attestWith("""
        NodeAttestor "tpm" {
            plugin_data {
                tpm_path = "%s"
            }
        }""".formatted(swtpm.tpmPath()));

    String agentId = server.agentIds().stream()
        .filter(id -> id.matches("spiffe://example\\.org/spire/agent/tpm/[0-9a-f]{64}")).findFirst()
        .orElseThrow(() -> new AssertionError("no tpm agent among " + server.agentIds()));
    String pubHash = agentId.substring(agentId.lastIndexOf('/') + 1);
    server.createEntryOverGrpc(SignetServer.id("/spire/server"), NODE_ALIAS, "tpm:pub_hash:" + pubHash);
    server.createEntryOverGrpc(NODE_ALIAS, WORKLOAD, "unix:uid:" + Uids.current());

    CommandResult fetched = Poll.value("the workload's SVID via the tpm node alias", Duration.ofSeconds(30), () -> {
      CommandResult result = agent.fetchX509(null);
      return result.ok() && result.stdout().contains(WORKLOAD) ? Optional.of(result) : Optional.empty();
    });
    assertThat(fetched.stdout()).contains("SPIFFE ID:\t\t" + WORKLOAD);
  }
}
