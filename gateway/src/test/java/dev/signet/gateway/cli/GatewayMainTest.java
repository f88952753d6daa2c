package dev.signet.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GatewayMainTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = new CommandLine(new GatewayMain());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private Path config(String extra) throws Exception {
    return Files.writeString(dir.resolve("gateway.conf"), """
        gateway {
          data_dir = "%s"
          %s
        }
        policy {
          dir = "%s"
        }
        inbound "db" {
          listen = "127.0.0.1:5443"
          upstream = "127.0.0.1:5432"
        }
        """.formatted(dir.resolve("data"), extra, dir.resolve("policies")));
  }

  @Test
  void validateAcceptsAGoodConfig() throws Exception {
    assertThat(run("validate", "-config", config("").toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Configuration is valid: 1 inbound, 0 outbound routes");
  }

  @Test
  void validateAndRunRefuseAnUnknownKeyNamingIt() throws Exception {
    Path file = config("listen_adress = \"x\"");
    assertThat(run("validate", "-config", file.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("unknown configuration key \"gateway.listen_adress\"");
    assertThat(run("run", "-config", file.toString())).isEqualTo(1);
  }
}
