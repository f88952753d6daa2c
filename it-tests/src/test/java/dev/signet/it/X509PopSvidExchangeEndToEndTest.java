package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * x509pop in {@code mode = "spiffe"} between the built binaries: an operator mints an X509-SVID under
 * {@code /spire-exchange} with {@code signet-server x509 mint -write}, the node's agent presents it, and
 * the server exchanges it for the agent ID {@code /spire/agent/x509pop/<host>}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class X509PopSvidExchangeEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private Workspace workspace;
  private SignetServer server;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeAll
  void start() {
    workspace = new Workspace("x509pop-spiffe");
    server = new SignetServer(workspace).withPlugins("""
        NodeAttestor "x509pop" {
            plugin_data {
                mode = "spiffe"
            }
        }""").start();
  }

  @AfterAll
  void stop() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void aMintedExchangeSvidBecomesTheAgentsIdentity() {
    Path minted = workspace.path("minted");
    server.admin("x509", "mint", "-spiffeID", SignetServer.id("/spire-exchange/edge-9"), "-ttl", "1h",
        "-write", minted.toString()).requireOk();

    new SignetAgent(workspace, server, "a").attestWith("""
        NodeAttestor "x509pop" {
            plugin_data {
                certificate_path = "%s"
                private_key_path = "%s"
            }
        }""".formatted(minted.resolve("svid.pem"), minted.resolve("key.pem")));

    assertThat(server.agentIds()).contains(SignetServer.id("/spire/agent/x509pop/edge-9"));
  }
}
