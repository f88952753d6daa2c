package dev.signet.common.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

class SubcommandsOnDemandTest {
  static int runs;

  @Command(name = "tool", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "tool 1")
  static final class Tool {}

  @Command(name = "entry", subcommands = {Show.class})
  static final class Entry {}

  @Command(name = "show", aliases = "list", description = "Shows entries")
  static final class Show implements Runnable {
    @Option(names = "-spiffeID", description = "The SPIFFE ID")
    String spiffeId;

    @Override
    public void run() {
      runs++;
    }
  }

  @Command(name = "agent")
  static final class Agent {}

  private static final List<Class<?>> VERBS = List.of(Entry.class, Agent.class, Show.class);

  private static CommandLine commandLine(String... args) {
    return SubcommandsOnDemand.commandLine(new Tool(), VERBS, args);
  }

  @Test
  void aNamedVerbIsTheOnlyOneBuiltAndRuns() {
    CommandLine commandLine = commandLine("entry", "show", "-spiffeID", "spiffe://example.org/a");
    assertThat(commandLine.getSubcommands()).containsOnlyKeys("entry");
    runs = 0;
    assertThat(commandLine.execute("entry", "show", "-spiffeID", "spiffe://example.org/a")).isZero();
    assertThat(runs).isEqualTo(1);
  }

  @Test
  void anAliasNamesItsVerb() {
    assertThat(commandLine("list").getSubcommands()).containsOnlyKeys("show", "list");
  }

  @Test
  void noVerbAFlagOrAnUnknownWordBuildsEveryVerb() {
    for (String[] args : List.of(new String[0], new String[] {"-h"}, new String[] {"--version"},
        new String[] {"entyr", "show"})) {
      assertThat(commandLine(args).getSubcommands()).containsKeys("entry", "agent", "show", "list");
    }
    StringWriter err = new StringWriter();
    CommandLine commandLine = commandLine("entyr");
    commandLine.setErr(new PrintWriter(err, true));
    assertThat(commandLine.execute("entyr")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument at index 0: 'entyr'").contains("Did you mean");
  }

  @Test
  void aVerbBuiltAloneHasTheSameUsageAsInTheWholeTree() {
    // the inherited --version and the help flags reach a verb added after its parent was built, as in the tree
    String whole = commandLine().getSubcommands().get("entry").getSubcommands().get("show").getUsageMessage();
    String alone = commandLine("entry").getSubcommands().get("entry").getSubcommands().get("show").getUsageMessage();
    assertThat(alone).isEqualTo(whole).contains("-h, -help, --help").contains("--version").contains("-spiffeID");
  }

  @Test
  void aVerbThatIsNotACommandIsRefused() {
    assertThatThrownBy(() -> SubcommandsOnDemand.commandLine(new Tool(), List.of(String.class), "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.String");
  }
}
