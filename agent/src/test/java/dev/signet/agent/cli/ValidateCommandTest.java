package dev.signet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signet-agent validate}: the run loader, without running. */
class ValidateCommandTest {
  private static final String VALID = """
      agent {
        trust_domain = "example.org"
        server_address = "localhost"
        data_dir = "/tmp/signet-agent-validate"
        insecure_bootstrap = true
        log_format = "json"
      }
      plugins {
        NodeAttestor "join_token" { plugin_data {} }
        KeyManager "memory" { plugin_data {} }
        WorkloadAttestor "unix" { plugin_data {} }
      }
      """;

  @TempDir Path temp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int validate(String config) throws Exception {
    Path file = temp.resolve("agent.conf");
    Files.writeString(file, config);
    return AgentMain.commandLine(null, new PrintWriter(out, true), new PrintWriter(err, true))
        .execute("validate", "-config", file.toString());
  }

  @Test
  void aValidConfigIsReportedValidWithItsWarnings() throws Exception {
    assertThat(validate(VALID)).isZero();
    assertThat(out.toString()).isEqualTo("SPIRE agent configuration file is valid." + System.lineSeparator());
    assertThat(err.toString()).contains("Warning: agent.log_format is accepted for SPIRE compatibility");
  }

  @Test
  void anUnknownKeyIsInvalid() throws Exception {
    assertThat(validate(VALID.replace("log_format = \"json\"", "no_such_key = 1"))).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("SPIRE agent configuration file is invalid: ").contains("no_such_key");
  }

  @Test
  void pluginsRunCannotStartAreInvalid() throws Exception {
    assertThat(validate(VALID.replace("WorkloadAttestor \"unix\"", "WorkloadAttestor \"nope\""))).isEqualTo(1);
    assertThat(err.toString()).contains("invalid", "nope");
    err.getBuffer().setLength(0);
    assertThat(validate(VALID.replace("NodeAttestor \"join_token\"", "NodeAttestor \"tpm_devid\""))).isEqualTo(1);
    assertThat(err.toString()).contains("invalid", "tpm_devid", "no agent half");
  }

  @Test
  void aMissingFileIsInvalid() {
    int code = AgentMain.commandLine(null, new PrintWriter(out, true), new PrintWriter(err, true))
        .execute("validate", "-config", temp.resolve("missing.conf").toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("invalid", "cannot read config file");
  }
}
