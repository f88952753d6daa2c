package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(30);

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
  void aRealSpireAgentAttestsSyncsAndServesSignetSvids() throws IOException {
    String spireAgent = SpirePeers.bin("spire-agent");
    String selector = "unix:uid:" + Uids.current();
    String first = SignetServer.id("/workload/spire-agent-first");
    String token = server.generateToken(NODE);
    server.createEntry(NODE, first, selector);
    Path socket = workspace.path("spire-agent.sock");
    Path config = workspace.path("spire-agent.conf");
    Files.writeString(config, """
        agent {
            data_dir = "%s"
            log_level = "DEBUG"
            server_address = "127.0.0.1"
            server_port = "%d"
            socket_path = "%s"
            trust_bundle_path = "%s"
            trust_domain = "%s"
        }
        plugins {
            NodeAttestor "join_token" {
                plugin_data {}
            }
            KeyManager "memory" {
                plugin_data {}
            }
            WorkloadAttestor "unix" {
                plugin_data {}
            }
        }
        """.formatted(workspace.path("spire-agent-data"), server.port(), socket, server.writeBootstrapBundle(),
        SignetServer.TRUST_DOMAIN));

    RunningProcess agent = workspace.start("spire-agent", List.of(spireAgent, "run", "-config", config.toString(),
        "-joinToken", token));

    Poll.until("spire-agent serving " + first, Duration.ofSeconds(90), () -> {
      assertThat(agent.isAlive()).as("spire-agent exited:\n%s", agent.tail(40)).isTrue();
      return fetch(spireAgent, socket).contains(first);
    });
    assertThat(server.agentIds()).contains(SignetServer.id("/spire/agent/join_token/" + token));

    String second = SignetServer.id("/workload/spire-agent-second");
    server.createEntry(NODE, second, selector);
    Poll.until("an entry created with signet-server reaching the spire-agent's workload", Duration.ofSeconds(60),
        () -> {
          String out = fetch(spireAgent, socket);
          return out.contains(first) && out.contains(second);
        });
  }

  private static String fetch(String spireAgent, Path socket) {
    CommandResult result = Distribution.run(CLI_TIMEOUT, List.of(spireAgent, "api", "fetch", "x509", "-socketPath",
        socket.toString()));
    return result.ok() ? result.stdout() : "";
  }
}
