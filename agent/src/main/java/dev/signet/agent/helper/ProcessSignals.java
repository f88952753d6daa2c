package dev.signet.agent.helper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Sends a {@link RenewSignal} to a process by running {@code kill -s NAME PID} (the JDK can only terminate other
 * processes), and reads PID files such as PostgreSQL's {@code postmaster.pid} (the PID is the first line).
 */
final class ProcessSignals {
  private static final long KILL_TIMEOUT_SECONDS = 10;

  private ProcessSignals() {}

  static void send(long pid, RenewSignal signal) throws IOException {
    Process kill = new ProcessBuilder("kill", "-s", signal.killName(), Long.toString(pid))
        .redirectErrorStream(true).start();
    try {
      if (!kill.waitFor(KILL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IOException("kill -s " + signal.killName() + " " + pid + " did not finish in "
            + KILL_TIMEOUT_SECONDS + "s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signalling " + pid, e);
    }
    if (kill.exitValue() != 0) {
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      throw new IOException("cannot send " + signal.name() + " to pid " + pid + ": " + output);
    }
  }

  /** The PID on the first line of {@code pidFile}. */
  static long readPid(Path pidFile) throws IOException {
    String text = Files.readString(pidFile, StandardCharsets.US_ASCII);
    String first = text.lines().findFirst().orElse("").strip();
    if (!first.matches("[1-9][0-9]{0,9}")) {
      throw new IOException("pid file \"" + pidFile + "\" does not start with a pid (first line \"" + first + "\")");
    }
    return Long.parseLong(first);
  }
}
