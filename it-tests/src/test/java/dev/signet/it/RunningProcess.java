package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process (server, agent) whose stdout and stderr go to one log file. {@link #stop()} sends
 * SIGTERM to the process and all its descendants and falls back to SIGKILL.
 */
public final class RunningProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private RunningProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command}, appending its output to {@code log}. */
  public static RunningProcess start(String name, List<String> command, Path log, Map<String, String> env) {
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "### " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(env);
      return new RunningProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits up to {@code timeout} for the process to exit by itself; returns its exit code, or null if still alive. */
  public Integer awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** SIGTERM to the tree, wait up to 15 s, then SIGKILL. Returns the exit code (null if it had to be killed). */
  public Integer stop() {
    List<ProcessHandle> descendants = process.descendants().toList();
    if (!process.isAlive()) {
      descendants.forEach(ProcessHandle::destroyForcibly);
      return process.exitValue();
    }
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    Integer code = awaitExit(Duration.ofSeconds(15));
    if (code == null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(5));
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    return code;
  }

  /** SIGKILL to the process and its descendants (a crash: no shutdown hook runs); waits until it is gone. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.toHandle().destroyForcibly();
    if (awaitExit(Duration.ofSeconds(30)) == null) {
      throw new AssertionError(name + " survived SIGKILL for 30 s");
    }
  }

  /** The last {@code lines} lines of the log. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + (process.isAlive() ? ", running" : ", exited " + process.exitValue())
        + ", log " + log + ")";
  }
}
