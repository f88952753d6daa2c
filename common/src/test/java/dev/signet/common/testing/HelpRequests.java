package dev.signet.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.cli.HelpOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs a help request on every command of a binary's command line, the way its {@code main} would (a fresh
 * command line per call, out and err captured), and checks each prints its usage on standard output and
 * exits 0 without running the command.
 */
public final class HelpRequests {
  private HelpRequests() {}

  /** What one call printed and returned. */
  public record Outcome(int exitCode, String out, String err) {}

  /** The argument path of every command of {@code root} (the root's is empty), depth first. */
  public static List<List<String>> commandPaths(CommandSpec root) {
    List<List<String>> paths = new ArrayList<>();
    for (CommandSpec spec : HelpOptions.walk(root)) {
      List<String> names = Arrays.asList(spec.qualifiedName(" ").split(" "));
      paths.add(List.copyOf(names.subList(1, names.size())));
    }
    return paths;
  }

  /** Runs {@code path} followed by {@code flag} on a fresh command line from {@code factory}. */
  public static Outcome run(Supplier<CommandLine> factory, List<String> path, String flag) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = factory.get();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(path);
    args.add(flag);
    int exit = commandLine.execute(args.toArray(String[]::new));
    return new Outcome(exit, out.toString(), err.toString());
  }

  /**
   * Asserts that {@code -h}, {@code -help} and {@code --help} on every command of {@code factory}'s command line
   * exit 0 with a usage naming the command on standard output and nothing on standard error; returns how many
   * commands were checked.
   */
  public static int assertEveryCommandPrintsHelp(Supplier<CommandLine> factory) {
    CommandLine probe = factory.get();
    String binary = probe.getCommandName();
    List<List<String>> paths = commandPaths(probe.getCommandSpec());
    SoftAssertions softly = new SoftAssertions();
    for (List<String> path : paths) {
      String usage = "Usage: " + String.join(" ", prepend(binary, path));
      for (String flag : HelpOptions.NAMES) {
        Outcome outcome = run(factory, path, flag);
        String call = String.join(" ", prepend(binary, path)) + " " + flag;
        softly.assertThat(outcome.exitCode()).as("exit code of %s (err: %s)", call, outcome.err()).isZero();
        softly.assertThat(outcome.out()).as("usage of %s", call).startsWith(usage).contains(flag)
            .as("usage of %s: a ${...} picocli could not resolve prints as null", call).doesNotContain(" null ");
        softly.assertThat(outcome.err()).as("standard error of %s", call).isEmpty();
      }
    }
    softly.assertAll();
    assertThat(paths).isNotEmpty();
    return paths.size();
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
