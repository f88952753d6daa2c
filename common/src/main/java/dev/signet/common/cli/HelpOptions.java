package dev.signet.common.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The help flags of every Signet binary: {@code -h}, {@code -help} and {@code --help} on the binary and on each
 * of its subcommands, the three spellings the Go flag package of {@code spire-server} and {@code spire-agent}
 * accepts. A help request prints the usage on standard output and exits 0 before any command runs, so it
 * never starts a daemon or opens a connection (picocli handles it before calling the command).
 */
public final class HelpOptions {
  /** The spellings, in the order the usage shows them. */
  public static final List<String> NAMES = List.of("-h", "-help", "--help");

  private HelpOptions() {}

  /**
   * Gives {@code root} and every command below it the help flags, replacing picocli's standard {@code -h,
   * --help} where a command had it; returns {@code root}.
   */
  public static CommandLine install(CommandLine root) {
    for (CommandSpec spec : walk(root.getCommandSpec())) {
      for (OptionSpec option : List.copyOf(spec.options())) {
        if (option.usageHelp()) {
          spec.remove(option);
        }
      }
      spec.addOption(OptionSpec.builder(NAMES.toArray(String[]::new)).usageHelp(true)
          .description("Show this help message and exit.").scopeType(CommandLine.ScopeType.LOCAL).build());
    }
    return root;
  }

  /** {@code spec} and every subcommand below it, depth first, each once (aliases are not repeated). */
  public static List<CommandSpec> walk(CommandSpec spec) {
    List<CommandSpec> out = new ArrayList<>();
    collect(spec, out);
    return List.copyOf(out);
  }

  private static void collect(CommandSpec spec, List<CommandSpec> out) {
    out.add(spec);
    spec.subcommands().values().stream().map(CommandLine::getCommandSpec).distinct()
        .forEach(sub -> collect(sub, out));
  }
}
