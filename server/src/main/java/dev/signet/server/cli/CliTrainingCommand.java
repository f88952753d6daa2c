package dev.signet.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cli-training} (hidden): runs admin calls one after another in this JVM, as the build's training run for the
 * admin verbs' AOT cache ({@code lib/ServerCli.aot}). A JDK 25 cache is written by one JVM as it exits and holds
 * the classes that JVM loaded; trained on a single {@code entry create}, every other verb read its own classes from
 * the jars at each call, opening jar after jar of the class path to find them (issue 16). Each line of the file is
 * one call's arguments, split on spaces; a line that starts with {@code !} is a call expected to fail (an error's
 * path is trained too). Their output goes where the calls' own would; the exit status is 1 when a call did not end
 * as expected.
 */
@Command(name = "cli-training", hidden = true,
    description = "Run the admin calls listed in a file in one JVM (the build's AOT cache training)")
public final class CliTrainingCommand implements Callable<Integer> {
  @Option(names = {"-calls", "--calls"}, required = true, paramLabel = "FILE",
      description = "A file of calls, one per line, each the arguments of signet-server")
  Path calls;

  @Override
  public Integer call() {
    List<String> lines;
    try {
      lines = Files.readAllLines(calls).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + calls, e);
    }
    int failed = 0;
    PrintStream err = System.err;
    for (String line : lines) {
      boolean expectFailure = line.startsWith("!");
      String[] args = (expectFailure ? line.substring(1).strip() : line).split(" +");
      int status = expectFailure ? quietly(args) : ServerMain.commandLine(args).execute(args);
      if ((status != 0) != expectFailure) {
        err.println("cli-training: unexpected exit " + status + " from: " + line);
        failed++;
      }
    }
    return failed == 0 ? 0 : 1;
  }

  /** Runs a call expected to fail without printing its error, which would read as a failure of the build. */
  private static int quietly(String[] args) {
    PrintStream err = System.err;
    System.setErr(new PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      return ServerMain.commandLine(args).execute(args);
    } finally {
      System.setErr(err);
    }
  }
}
