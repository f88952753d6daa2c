package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Our {@code signet-server} CLI drives a real {@code spire-server} v1.13.3: the same {@link CliScript} run with
 * Signet's CLI against one spire-server and with SPIRE's own CLI against another (each with a real
 * {@code spire-agent} attested) must give the same {@code -output json} results, so scripts written for
 * either CLI work against SPIRE.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SignetCliOnSpireServerEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private final List<Workspace> workspaces = new ArrayList<>();

  @Override
  public List<Workspace> workspaces() {
    return workspaces;
  }

  @AfterEach
  void stopAll() {
    workspaces.forEach(Workspace::close);
  }

  @Test
  void signetServerCliGivesTheSameJsonAsSpiresOwnAgainstSpireServer() throws IOException {
    Workspace bySpire = open("spire-cli-on-spire");
    Workspace bySignet = open("signet-cli-on-spire");
    SpireServer first = new SpireServer(bySpire).start();
    SpireServer second = new SpireServer(bySignet).start();
    Path otherBundle = bySpire.path("other.org.pem");
    Files.writeString(otherBundle, Files.readString(first.writeBootstrapBundle()));

    Map<String, JsonNode> spireCli = CliScript.run(bySpire, first, "spire-agent", otherBundle, CliScript.SPIRE_CLI);
    Map<String, JsonNode> signetCli =
        CliScript.run(bySignet, second, "spire-agent", otherBundle, CliScript.SIGNET_CLI);

    CliScript.assertSame("spire-server CLI", spireCli, "signet-server CLI", signetCli);
  }

  private Workspace open(String name) {
    Workspace workspace = new Workspace(name);
    workspaces.add(workspace);
    return workspace;
  }
}
