package dev.signet.common.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A man(7) page rendered from a picocli {@link CommandSpec}: NAME, SYNOPSIS, DESCRIPTION, the binary's
 * OPTIONS and, for every subcommand below it, a COMMANDS subsection with its description and options. Being
 * made from the same spec the binary parses with, it cannot drift from the binary. Only the plain man macros
 * ({@code .TH .SH .SS .PP .TP .B .I}) are used, so {@code groff -man} and {@code mandoc} both read it.
 */
public final class ManPage {
  private ManPage() {}

  /** The page of {@code root} (section 1), naming {@code version} as its source. */
  public static String render(CommandSpec root, String version) {
    List<String> lines = new ArrayList<>();
    String name = root.name();
    lines.add(".TH " + quoted(name.toUpperCase(Locale.ROOT)) + " 1 \"\" " + quoted("Signet " + version)
        + " \"Signet Manual\"");
    lines.add(".SH NAME");
    lines.add(text(name + " - " + firstLine(root)));
    lines.add(".SH SYNOPSIS");
    lines.add(".B " + text(name));
    lines.add(root.subcommands().isEmpty() ? "[\\fIOPTIONS\\fR]" : "[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]");
    lines.add(".SH DESCRIPTION");
    paragraphs(root.usageMessage().description(), lines);
    if (!root.options().isEmpty() || !root.positionalParameters().isEmpty()) {
      lines.add(".SH OPTIONS");
      arguments(root, lines);
    }
    List<CommandSpec> commands = HelpOptions.walk(root).stream().skip(1).toList();
    if (!commands.isEmpty()) {
      lines.add(".SH COMMANDS");
      for (CommandSpec command : commands) {
        lines.add(".SS " + quoted(command.qualifiedName(" ")));
        paragraphs(command.usageMessage().description(), lines);
        arguments(command, lines);
      }
    }
    lines.add(".SH EXIT STATUS");
    lines.add(text("0 on success and for --help; 1 when the command fails; 2 for a usage error."));
    return String.join("\n", lines) + "\n";
  }

  private static String firstLine(CommandSpec spec) {
    String[] description = spec.usageMessage().description();
    return description.length == 0 ? spec.name() : description[0];
  }

  private static void paragraphs(String[] description, List<String> lines) {
    for (String paragraph : description) {
      lines.add(".PP");
      lines.add(text(paragraph));
    }
  }

  private static void arguments(CommandSpec spec, List<String> lines) {
    for (PositionalParamSpec positional : spec.positionalParameters()) {
      lines.add(".TP");
      lines.add(".I " + quoted(positional.paramLabel()));
      lines.add(text(description(positional)));
    }
    for (OptionSpec option : spec.options()) {
      if (option.hidden()) {
        continue;
      }
      lines.add(".TP");
      String names = text(String.join(", ", option.names()));
      lines.add(option.arity().max() > 0 && !option.paramLabel().isEmpty()
          ? "\\fB" + names + "\\fR \\fI" + text(option.paramLabel()) + "\\fR"
          : ".B " + quoted(String.join(", ", option.names())));
      lines.add(text(description(option)));
    }
  }

  private static String description(ArgSpec arg) {
    String described = String.join(" ", arg.description());
    String defaultValue = arg.defaultValue();
    if (defaultValue != null && !defaultValue.isEmpty() && !described.contains(defaultValue)) {
      described = described + " (default: " + defaultValue + ")";
    }
    return described.isEmpty() ? "(no description)" : described;
  }

  /** {@code s} as one line of running text: backslashes, hyphens and a leading control character escaped. */
  static String text(String s) {
    String escaped = s.replace("\\", "\\e").replace("-", "\\-").replace("\r", " ").replace("\n", " ");
    return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
  }

  /** {@code s} as one double-quoted macro argument. */
  static String quoted(String s) {
    return "\"" + text(s).replace("\"", "\\(dq") + "\"";
  }
}
