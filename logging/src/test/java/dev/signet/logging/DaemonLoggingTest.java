package dev.signet.logging;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.signet.common.config.ConfigException;
import dev.signet.common.logging.LogFields;
import dev.signet.common.logging.LogOutput;
import dev.signet.common.logging.LoggedFailure;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemons' real logging set-up, writing to a real file that the test reads back. */
class DaemonLoggingTest {
  private static final Logger LOG = LoggerFactory.getLogger(DaemonLoggingTest.class);
  private static final JsonMapper JSON = new JsonMapper();

  @TempDir Path temp;

  @AfterEach
  void restoreDefaultConfiguration() throws Exception {
    LoggerContext context = DaemonLogging.context();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  private static void refuse() {
    LoggedFailure.of(Status.Code.PERMISSION_DENIED, "no identity issued")
        .with(LogFields.CALLER_PID, 4242).with(LogFields.CALLER_UID, 1000).log(LOG);
  }

  @Test
  void jsonLinesGoToTheLogFileWithTheFieldsAndTheFileIsOwnerOnly() throws Exception {
    Path file = temp.resolve("signet.log");
    DaemonLogging.apply("INFO", LogOutput.parse("server", "json", file.toString()));

    refuse();
    LOG.debug("below the level");

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    JsonNode line = JSON.readTree(lines.getFirst());
    assertThat(line.get("level").asText()).isEqualTo("WARN");
    assertThat(line.get("loggerName").asText()).isEqualTo(DaemonLoggingTest.class.getName());
    assertThat(line.get("formattedMessage").asText()).isEqualTo("no identity issued");
    assertThat(line.get("timestamp").isNumber()).isTrue();
    assertThat(line.get("kvpList").toString())
        .isEqualTo("[{\"code\":\"PERMISSION_DENIED\"},{\"caller_pid\":\"4242\"},{\"caller_uid\":\"1000\"}]");
    assertThat(line.has("message")).as("the raw template is left out").isFalse();
    assertThat(mode(file)).isEqualTo("rw-------");
  }

  @Test
  void textLinesCarryTheFieldsAsKeyValuePairsAndAreAppendedToAnExistingFile() throws Exception {
    Path file = temp.resolve("agent.log");
    Files.writeString(file, "an earlier line\n");
    DaemonLogging.apply("DEBUG", LogOutput.parse("agent", "", file.toString()));

    refuse();
    LOG.info("plain line");
    LOG.debug("debug line");

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(4);
    assertThat(lines.getFirst()).isEqualTo("an earlier line");
    assertThat(lines.get(1)).matches("\\d{4}-\\d\\d-\\d\\dT\\S+ WARN  \\[.+\\] DaemonLoggingTest: no identity issued "
        + "code=\"PERMISSION_DENIED\" caller_pid=\"4242\" caller_uid=\"1000\"");
    assertThat(lines.get(2)).endsWith("DaemonLoggingTest: plain line");
    assertThat(lines.get(3)).endsWith("DaemonLoggingTest: debug line");
  }

  @Test
  void theLevelIsTheRootLevelTheLoggerApiReports() {
    DaemonLogging.apply("WARN", LogOutput.parse("agent", "json", temp.resolve("l.log").toString()));

    assertThat(RootLogLevel.launchLevel()).isEqualTo(dev.signet.proto.spire.api.types.LogLevel.WARN);
    assertThat(LOG.isInfoEnabled()).isFalse();
  }

  @Test
  void aLogFileThatCannotBeCreatedIsAConfigErrorAndChangesNothing() {
    Path file = temp.resolve("missing-dir/signet.log");
    assertThatThrownBy(() -> DaemonLogging.apply("INFO", LogOutput.parse("server", "text", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("log_file \"" + file + "\" cannot be created");
    assertThat(DaemonLogging.context().getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isTrue();
  }

  @Test
  void anUnknownFormatIsAConfigError() {
    assertThatThrownBy(() -> LogOutput.parse("server", "logfmt", null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("server.log_format \"logfmt\" is not one of text, json");
    assertThat(LogOutput.parse("server", "JSON", "").format()).isEqualTo(LogOutput.Format.JSON);
    assertThat(LogOutput.parse("server", null, "").file()).isNull();
  }
}
