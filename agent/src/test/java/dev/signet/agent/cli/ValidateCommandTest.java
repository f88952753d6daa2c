package dev.signet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.signet.agent.runtime.AgentLauncher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** {@code signet-agent validate}: the run loader, without running. */
class ValidateCommandTest {
  private static final String VALID = """
      agent {
        trust_domain = "example.org"
        server_address = "localhost"
        data_dir = "/tmp/signet-agent-validate"
        insecure_bootstrap = true
        log_format = "json"
        log_source_location = true
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
    // log_format now has its effect (json lines): the warning is for a key that still has none
    assertThat(err.toString()).contains("Warning: agent.log_source_location is accepted for SPIRE compatibility")
        .doesNotContain("agent.log_format");
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
    assertThat(err.toString()).contains("invalid", "unknown NodeAttestor \"tpm_devid\"", "built in: join_token");
  }

  /** As {@code run}, {@code validate} parses the node attestor's {@code plugin_data}: a bad block of each is invalid. */
  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "join_token | token = \"x\"                      | unknown plugin_data keys",
      "x509pop    | certificate_path = \"/c\"          | certificate_path and private_key_path are required",
      "k8s_psat   | token_path = \"/t\"                | cluster is required",
      "k8s_sat    | token_path = \"/t\"                | cluster is required",
      "aws_iid    | ec2_metadata_endpoint = \"ftp://x\" | ec2_metadata_endpoint \"ftp://x\" must be an http(s) URL",
      "tpm        | ek_algorithm = \"dsa\"             | ek_algorithm \"dsa\" must be rsa or ecc"})
  void aBadPluginDataOfEveryNodeAttestorIsInvalid(String name, String body, String message) throws Exception {
    String config = VALID.replace("NodeAttestor \"join_token\" { plugin_data {} }",
        "NodeAttestor \"" + name + "\" { plugin_data { " + body + " } }");

    assertThat(validate(config)).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("SPIRE agent configuration file is invalid: nodeattestor(" + name + "): ")
        .contains(message);
  }

  /** Every syntax error is a single line, never a stack trace. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "server_port 8081                 | :7:15: expected '=' and a value or a '{' block after \"server_port\"",
      "server_port = = 1                | :7:17: expected a value, found '='",
      "socket_path = \"/tmp/x           | :7:17: string is not terminated on the line it starts"})
  void aSyntaxErrorIsOneLineWithFileLineAndColumnAndNoStackTrace(String brokenLine, String expected) throws Exception {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logged);
    int code;
    try {
      code = validate(VALID.replace("  log_format = \"json\"\n", "  log_format = \"json\"\n  " + brokenLine + "\n"));
    } finally {
      root.detachAppender(logged);
    }
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("SPIRE agent configuration file is invalid: " + temp.resolve("agent.conf")
        + expected).doesNotContain("Exception").doesNotContain("at dev.signet").doesNotContain("\tat ");
    assertThat(err.toString().strip()).as("one line").doesNotContain("\n");
    assertThat(logged.list).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
  }

  @Test
  void runReportsASyntaxErrorAsOneLineToo() throws Exception {
    Path file = temp.resolve("agent.conf");
    Files.writeString(file, VALID.replace("  log_format = \"json\"\n",
        "  log_format = \"json\"\n  server_port 8081\n"));
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = AgentMain.commandLine(new AgentLauncher(), new PrintWriter(out, true), new PrintWriter(err, true))
          .execute("run", "-config", file.toString());
    } finally {
      System.setErr(stderr);
    }
    assertThat(code).isEqualTo(1);
    String all = captured.toString(StandardCharsets.UTF_8) + err + out;
    assertThat(all.strip()).isEqualTo("Error: " + file
        + ":7:15: expected '=' and a value or a '{' block after \"server_port\", found '8081'");
  }

  @Test
  void aMissingFileIsInvalid() {
    int code = AgentMain.commandLine(null, new PrintWriter(out, true), new PrintWriter(err, true))
        .execute("validate", "-config", temp.resolve("missing.conf").toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("invalid", "cannot read config file");
  }
}
