package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real {@code spire-agent} v1.13.3 (built from the Go module proxy by {@code tools/go-peers}) attests to
 * {@code signet-server} with a join token, syncs, and serves a registered workload over its own socket:
 * {@code spire-agent api fetch x509} prints the SVID Signet issued, and an entry created afterwards with
 * {@code signet-server entry create} reaches the workload.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SpireAgentInteropEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/spire-agent");

  private Workspace workspace;
  private SignetServer server;

  @Override
  public List<Workspace> workspaces() {
    return Collections.singletonList(workspace);
  }

  @BeforeEach
  void startServer() {
    workspace = new Workspace("spire-agent-interop");
    server = new SignetServer(workspace).start();
  }

  @AfterEach
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void aRealSpireAgentAttestsSyncsAndServesSignetSvids() {
    String selector = "unix:uid:" + Uids.current();
    String first = SignetServer.id("/workload/spire-agent-first");
    server.createEntry(NODE, first, selector);
    SpireAgent agent = new SpireAgent(workspace, server, "spire-agent").attestAndStart(NODE);

    agent.awaitServing(first, Duration.ofSeconds(90));
    assertThat(server.agentIds()).contains(agent.spiffeId());

    String second = SignetServer.id("/workload/spire-agent-second");
    server.createEntry(NODE, second, selector);
    Poll.until("an entry created with signet-server reaching the spire-agent's workload", Duration.ofSeconds(60),
        () -> {
          String out = agent.fetchX509();
          return out.contains(first) && out.contains(second);
        });
  }
}
