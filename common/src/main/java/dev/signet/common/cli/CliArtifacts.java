package dev.signet.common.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes what a distribution ships beside a binary, generated from the binary's own command line so that it
 * never drifts from it: the bash completion script ({@code share/bash-completion/completions/NAME}, picocli's
 * {@link AutoComplete}; zsh loads it through {@code bashcompinit}) and the man page
 * ({@code share/man/man1/NAME.1}, {@link ManPage}). The packaging build runs it through each binary's launcher.
 */
public final class CliArtifacts {
  private CliArtifacts() {}

  /** Where the completion script of {@code name} goes under a distribution's root. */
  public static Path completionPath(Path home, String name) {
    return home.resolve("share/bash-completion/completions").resolve(name);
  }

  /** Where the man page of {@code name} goes under a distribution's root. */
  public static Path manPagePath(Path home, String name) {
    return home.resolve("share/man/man1").resolve(name + ".1");
  }

  /** Writes the completion script and the man page of {@code commandLine} under {@code home}. */
  public static void write(CommandLine commandLine, String version, Path home) throws IOException {
    String name = commandLine.getCommandName();
    write(completionPath(home, name), sourced(AutoComplete.bash(name, commandLine)));
    write(manPagePath(home, name), ManPage.render(commandLine.getCommandSpec(), version));
  }

  /**
   * The entry point of the generator mains: {@code args} is the distribution's root; prints what it wrote.
   * Returns the exit code (2 without exactly one argument).
   */
  public static int generate(CommandLine commandLine, String version, String... args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: <generator> DIST_HOME (writes share/bash-completion and share/man under it)");
      return 2;
    }
    Path home = Path.of(args[0]);
    write(commandLine, version, home);
    System.out.println("wrote " + completionPath(home, commandLine.getCommandName()) + " and "
        + manPagePath(home, commandLine.getCommandName()));
    return 0;
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  /** A completion script is sourced, never run: without picocli's {@code #!} line (Debian policy, lintian). */
  static String sourced(String script) {
    return script.startsWith("#!") ? script.substring(script.indexOf('\n') + 1) : script;
  }
}
