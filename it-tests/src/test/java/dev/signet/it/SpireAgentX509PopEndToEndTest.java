package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real {@code spire-agent} v1.13.3 attests to {@code signet-server} with {@code x509pop} (a node certificate
 * from {@link X509PopPki}) and serves a workload registered under the node's {@code x509pop:subject:cn} alias.
 * {@code signet-server agent evict} makes it re-attest in place (x509pop can re-attest) and keep serving;
 * {@code signet-server agent ban} makes it drop its SVID and shut down, as SPIRE's own server would.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SpireAgentX509PopEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE_ALIAS = SignetServer.id("/node/edge-vehicle-9");
  private static final String WORKLOAD = SignetServer.id("/workload/edge-telemetry");
  private static final String AGENT_ID = "spiffe://example\\.org/spire/agent/x509pop/[0-9a-f]{40}";

  private Workspace workspace;
  private SignetServer server;
  private X509PopPki pki;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeEach
  void start() {
    workspace = new Workspace("spire-agent-x509pop");
    pki = new X509PopPki(workspace.path("pki"), "edge-vehicle-9");
    server = pki.startServer(workspace);
  }

  @AfterEach
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void aSpireAgentAttestsWithX509PopReattestsWhenEvictedAndShutsDownWhenBanned() {
    server.createEntryOverGrpc(SignetServer.id("/spire/server"), NODE_ALIAS, "x509pop:subject:cn:edge-vehicle-9");
    server.createEntryOverGrpc(NODE_ALIAS, WORKLOAD, "unix:uid:" + Uids.current());
    SpireAgent agent = new SpireAgent(workspace, server, "spire-agent").attestWith("""
        NodeAttestor "x509pop" {
            plugin_data {
                certificate_path = "%s"
                private_key_path = "%s"
                intermediates_path = "%s"
            }
        }""".formatted(pki.nodeCertificate(), pki.nodeKey(), pki.intermediateCertificate()));

    agent.awaitServing(WORKLOAD, Duration.ofSeconds(60));
    String agentId = server.agentIds().stream().filter(id -> id.matches(AGENT_ID)).findFirst()
        .orElseThrow(() -> new AssertionError("no x509pop agent in " + server.agentIds()));

    server.admin("agent", "evict", "-spiffeID", agentId).requireOk();
    Poll.until("the spire-agent re-attesting after its eviction", Duration.ofSeconds(60),
        () -> agent.process().tail(400).contains("Agent needs to re-attest; will attempt to re-attest")
            && server.agentIds().contains(agentId));
    assertThat(agent.process().isAlive()).as("spire-agent keeps running after re-attesting").isTrue();
    String second = SignetServer.id("/workload/after-eviction");
    server.createEntryOverGrpc(NODE_ALIAS, second, "unix:uid:" + Uids.current());
    agent.awaitServing(second, Duration.ofSeconds(60));

    server.admin("agent", "ban", "-spiffeID", agentId).requireOk();
    Integer exit = Poll.value("the banned spire-agent shutting down", Duration.ofSeconds(60),
        () -> java.util.Optional.ofNullable(agent.process().awaitExit(Duration.ZERO)));
    assertThat(exit).as("spire-agent's exit code after the ban").isNotZero();
    assertThat(agent.process().tail(400)).contains("Agent is banned: removing SVID and shutting down");
  }
}
