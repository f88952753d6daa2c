package dev.signet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.cli.HelpOptions;
import dev.signet.common.testing.HelpRequests;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code -h}, {@code -help} and {@code --help} on every command of signet-server and of signet-demo. */
class HelpTest {
  @Test
  void everyServerCommandPrintsItsUsageAndExitsZero() {
    int commands = HelpRequests.assertEveryCommandPrintsHelp(ServerMain::commandLine);
    assertThat(commands).as("run, entry create, bundle set, ... are all walked").isGreaterThan(30);
  }

  @Test
  void everyCommandBuiltWithItsVerbAloneHasTheUsageItHasInTheWholeTree() {
    int compared = 0;
    for (CommandSpec spec : HelpOptions.walk(ServerMain.commandLine().getCommandSpec())) {
      List<String> names = List.of(spec.qualifiedName(" ").split(" "));
      List<String> path = names.subList(1, names.size());
      if (path.isEmpty()) {
        continue;
      }
      CommandLine alone = ServerMain.commandLine(path.toArray(String[]::new));
      assertThat(alone.getSubcommands()).as("built for %s", path).hasSize(1);
      for (String name : path) {
        alone = alone.getSubcommands().get(name);
      }
      assertThat(alone.getUsageMessage()).as("usage of %s", path).isEqualTo(spec.commandLine().getUsageMessage());
      compared++;
    }
    assertThat(compared).isGreaterThan(30);
  }

  @Test
  void helpOfRunStartsNoServer() {
    // run -h would otherwise bind the admin socket and the agent port of the default config
    HelpRequests.Outcome outcome = HelpRequests.run(ServerMain::commandLine, List.of("run"), "-help");
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.out()).contains("-config").contains("-serverPort");
  }

  @Test
  void demoPrintsItsUsageAndAnythingElseIsAUsageError() {
    assertThat(HelpRequests.assertEveryCommandPrintsHelp(DemoCommand::commandLine)).isEqualTo(1);
    HelpRequests.Outcome outcome = HelpRequests.run(DemoCommand::commandLine, List.of(), "--start");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(outcome.err()).contains("Unknown option: '--start'");
  }
}
