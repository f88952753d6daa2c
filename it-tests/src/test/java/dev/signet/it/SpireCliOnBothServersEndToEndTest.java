package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPIRE's own {@code spire-server} CLI v1.13.3 drives {@code signet-server}'s admin socket and a real
 * {@code spire-server} through the same {@link CliScript}, each server with one real {@code spire-agent}
 * attested; every {@code -output json} result (and every CLI error) must be the same after {@link CliJson}
 * blanks what legitimately differs.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SpireCliOnBothServersEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private Workspace workspace;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeEach
  void open() {
    workspace = new Workspace("spire-cli-both");
  }

  @AfterEach
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void spireServerCliGivesTheSameJsonAgainstSignetAndSpire() throws IOException {
    SpireServer spire = new SpireServer(workspace).start();
    SignetServer signet = new SignetServer(workspace).start();
    Path otherBundle = workspace.path("other.org.pem");
    Files.writeString(otherBundle, Files.readString(spire.writeBootstrapBundle()));

    Map<String, JsonNode> fromSpire =
        CliScript.run(workspace, spire, "spire-agent-on-spire", otherBundle, CliScript.SPIRE_CLI);
    Map<String, JsonNode> fromSignet =
        CliScript.run(workspace, signet, "spire-agent-on-signet", otherBundle, CliScript.SPIRE_CLI);

    CliScript.assertSame("spire-server", fromSpire, "signet-server", fromSignet);
  }
}
