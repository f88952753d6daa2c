package dev.signet.server;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.signet.common.files.ProcessUmask;
import dev.signet.server.cli.ServerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code signet-server run} with {@code log_format = "json"} and {@code log_file}: the daemon's real logging
 * set-up writes its lines as JSON objects to the file, which it creates owner-only under a permissive umask.
 */
class RunLogFileTest {
  @TempDir Path temp;
  private int savedUmask;

  @AfterEach
  void restore() throws Exception {
    ProcessUmask.set(savedUmask);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  @Test
  void runWritesJsonLinesToTheLogFileItCreatesOwnerOnly() throws Exception {
    Path dataDir = Files.createDirectory(temp.resolve("data"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x")); // refused: run stops early
    Path logFile = temp.resolve("server.log");
    Path conf = Files.writeString(temp.resolve("server.conf"), MinimalServerConf.text(temp.resolve("sock/api.sock"),
        dataDir, "log_format = \"json\"\n  log_file = \"" + logFile + "\""));
    savedUmask = ProcessUmask.set(0);
    PrintStream savedErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = ServerMain.commandLine().execute("run", "-config", conf.toString());
    } finally {
      System.setErr(savedErr);
    }

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Error: data_dir \"" + dataDir + "\" is open");
    assertThat(mode(logFile)).isEqualTo("rw-------");
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
      lines.add(new JsonMapper().readTree(line));
    }
    assertThat(lines).anySatisfy(line -> {
      assertThat(line.get("loggerName").asText()).isEqualTo(ProcessUmask.class.getName());
      assertThat(line.get("formattedMessage").asText()).contains("umask 0000 is too permissive");
      assertThat(line.get("level").asText()).isNotEmpty();
    });
  }
}
