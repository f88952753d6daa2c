package dev.signet.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server or agent process started by the harness, its output appended to a log file. */
final class Daemon implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final long startedNanos;

  private Daemon(String name, Process process, Path log, long startedNanos) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.startedNanos = startedNanos;
  }

  /** Starts {@code command}; {@link #startedNanos()} is taken just before the fork. */
  static Daemon start(String name, List<String> command, Path log) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      long started = System.nanoTime();
      return new Daemon(name, builder.start(), log, started);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  long pid() {
    return process.pid();
  }

  long startedNanos() {
    return startedNanos;
  }

  /** Fails with the log's tail when the process has exited. */
  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
    }
  }

  ProcessMemory memory() {
    requireAlive();
    return ProcessMemory.of(process.pid());
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, then SIGKILL after 20 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
