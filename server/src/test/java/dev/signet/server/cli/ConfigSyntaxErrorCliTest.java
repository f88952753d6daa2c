package dev.signet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * A broken server.conf through the command line: one line naming file, line and column, exit status 1,
 * and no Java stack trace on either stream or in the log (an earlier HCL library logged one per syntax error).
 */
class ConfigSyntaxErrorCliTest {
  private static final String VALID_START = """
      server {
        bind_address = "127.0.0.1"
        trust_domain = "example.org"
      """;

  @TempDir Path temp;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
  }

  private record Run(int code, String out, String err) {}

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      code = ServerMain.commandLine().execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
  }

  /** Lines 1-3 are VALID_START; the broken line is line 4. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "run      | bind_port 8081                  | :4:13: expected '=' and a value or a '{' block after \"bind_port\", found '8081'",
      "validate | bind_port 8081                  | :4:13: expected '=' and a value or a '{' block after \"bind_port\", found '8081'",
      "run      | bind_port = = 8081                | :4:15: expected a value, found '='",
      "validate | bind_port = = 8081                | :4:15: expected a value, found '='",
      "validate | log_level = \"DEBUG               | :4:15: string is not terminated",
      "run      | ca_ttl = [1, 2                    | :5:1: expected ',' or ']' in the list, found '}'"})
  void aSyntaxErrorIsOneLineWithFileLineAndColumn(String command, String brokenLine, String expected) throws Exception {
    Path config = temp.resolve("server.conf");
    Files.writeString(config, VALID_START + "  " + brokenLine + "\n}\n");

    Run run = run(command, "-config", config.toString(), "-dataDir", temp.resolve("data").toString(),
        "-socketPath", temp.resolve("api.sock").toString());

    assertThat(run.code()).isEqualTo(1);
    String all = run.out() + run.err();
    assertThat(all).contains(config + expected)
        .doesNotContain("at dev.signet").doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.err().strip()).as("one line").doesNotContain("\n");
    assertThat(logged.list).as("nothing logged with a stack trace")
        .allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
  }

  /** validate reads on this host what run would read: a CA bundle that is not there fails both. */
  @Test
  void validateFailsWhereRunWouldOnAMissingFile() throws Exception {
    Path config = temp.resolve("server.conf");
    Files.writeString(config, VALID_START + "}\nplugins {\n  DataStore \"sql\" { plugin_data { database_type = \"sqlite3\" "
        + "connection_string = \"" + temp.resolve("ds.sqlite3") + "\" } }\n  KeyManager \"memory\" { plugin_data {} }\n"
        + "  NodeAttestor \"x509pop\" { plugin_data { ca_bundle_path = \"" + temp.resolve("missing-ca.pem") + "\" } }\n}\n");

    Run run = run("validate", "-config", config.toString(), "-dataDir", temp.resolve("data").toString());

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("nodeattestor(x509pop): cannot read CA bundle " + temp.resolve("missing-ca.pem"));
  }
}
