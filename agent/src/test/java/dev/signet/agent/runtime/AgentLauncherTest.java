package dev.signet.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.agent.cli.RunOptions;
import dev.signet.common.files.ProcessUmask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signet-agent run} up to the point where it refuses a data_dir open to others. */
class AgentLauncherTest {
  @TempDir Path temp;

  @Test
  void runRaisesTheUmaskAndRefusesAnOpenDataDirWithOneLineAndExitCodeOne() throws Exception {
    Path data = Files.createDirectory(temp.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwx---"));
    Path conf = Files.writeString(temp.resolve("agent.conf"), """
        agent {
          trust_domain = "example.org"
          server_address = "127.0.0.1"
          data_dir = "%s"
          insecure_bootstrap = true
          socket_path = "%s"
        }
        plugins {
          NodeAttestor "join_token" { plugin_data {} }
          KeyManager "disk" { plugin_data { directory = "%s" } }
          WorkloadAttestor "unix" { plugin_data {} }
        }
        """.formatted(data, temp.resolve("public/api.sock"), data));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedErr = System.err;
    int savedUmask = ProcessUmask.set(0002);
    int exit;
    int umaskAfter;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = new AgentLauncher().run(new RunOptions(conf, null, null, null, null, null, null, null, null, null, null,
          null, false));
    } finally {
      System.setErr(savedErr);
      umaskAfter = ProcessUmask.set(savedUmask);
    }

    assertThat(exit).isEqualTo(1);
    assertThat(umaskAfter).isEqualTo(0027);
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("Error:")).toList();
    assertThat(lines).containsExactly("Error: data_dir \"" + data + "\" is open to group or others: \"" + data
        + "\" is 0770 (rwxrwx---); run \"chmod go-rwx " + data + "\", or set allow_insecure_data_dir_permissions = "
        + "true in the agent block to start anyway");
    assertThat(temp.resolve("public")).doesNotExist();
  }
}
