package dev.signet.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

class HelpOptionsTest {
  static int runs;

  @Command(name = "top", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "1",
      subcommands = {Top.Mid.class})
  static final class Top {
    @Command(name = "mid", subcommands = {Leaf.class})
    static final class Mid {}
  }

  @Command(name = "leaf", aliases = "l")
  static final class Leaf implements Runnable {
    @Override
    public void run() {
      runs++;
    }
  }

  @Test
  void everyCommandGetsTheThreeSpellingsAndPrintsUsageWithoutRunning() {
    for (String flag : HelpOptions.NAMES) {
      StringWriter out = new StringWriter();
      CommandLine commandLine = HelpOptions.install(new CommandLine(new Top()));
      commandLine.setOut(new PrintWriter(out, true));
      runs = 0;
      assertThat(commandLine.execute("mid", "leaf", flag)).isZero();
      assertThat(out.toString()).startsWith("Usage: top mid leaf").contains("-h, -help, --help");
      assertThat(runs).isZero();
    }
    CommandLine commandLine = HelpOptions.install(new CommandLine(new Top()));
    assertThat(commandLine.execute("mid", "leaf")).isZero();
    assertThat(runs).isEqualTo(1);
  }

  @Test
  void walkVisitsEachCommandOnceDespiteAliases() {
    CommandLine commandLine = HelpOptions.install(new CommandLine(new Top()));
    assertThat(HelpOptions.walk(commandLine.getCommandSpec())).extracting(spec -> spec.qualifiedName(" "))
        .containsExactly("top", "top mid", "top mid leaf");
  }

  @Test
  void theVersionFlagsAreKept() {
    StringWriter out = new StringWriter();
    CommandLine commandLine = HelpOptions.install(new CommandLine(new Top()));
    commandLine.setOut(new PrintWriter(out, true));
    assertThat(commandLine.execute("--version")).isZero();
    assertThat(out.toString()).isEqualTo("1" + System.lineSeparator());
  }
}
