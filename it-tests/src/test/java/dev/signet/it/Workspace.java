package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * What one test class (or test) owns: a short temp directory under /tmp (mode 0755, so a workload running
 * as another uid can reach the agent socket), a log directory under target/it-logs, and every process
 * started through it. {@link #close()} stops them all and deletes the temp directory.
 */
public final class Workspace implements AutoCloseable {
  private final String name;
  private final Path dir;
  private final Path logs;
  private final List<RunningProcess> processes = new CopyOnWriteArrayList<>();

  /** Workspaces not yet closed: stopped by a JVM shutdown hook if the test JVM goes down first. */
  private static final java.util.Set<Workspace> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(Workspace::close), "signet-it-cleanup"));
  }

  public Workspace(String name) {
    this.name = name;
    try {
      dir = Files.createTempDirectory(Path.of("/tmp"), "sgit",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      // the umask may have trimmed the mode
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      logs = Path.of("target", "it-logs", name + "-" + dir.getFileName()).toAbsolutePath();
      Files.createDirectories(logs);
      OPEN.add(this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the test workspace", e);
    }
  }

  public String name() {
    return name;
  }

  /** The temp directory (short, under /tmp: socket paths stay far below the 108-byte limit). */
  public Path dir() {
    return dir;
  }

  public Path path(String relative) {
    return dir.resolve(relative);
  }

  /** Starts a long-running process logged to {@code <logs>/<name>.log}; it is stopped by {@link #close()}. */
  public RunningProcess start(String processName, List<String> command) {
    return start(processName, command, Map.of());
  }

  /** {@link #start(String, List)} with these variables added to the process environment. */
  public RunningProcess start(String processName, List<String> command, Map<String, String> environment) {
    RunningProcess process =
        RunningProcess.start(processName, command, logs.resolve(processName + ".log"), environment);
    processes.add(process);
    return process;
  }

  public List<RunningProcess> processes() {
    return List.copyOf(processes);
  }

  /** A TCP port on 127.0.0.1 that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /** The tail of every process's log, for failure reports. */
  public String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    for (RunningProcess process : processes) {
      out.append("\n===== ").append(process).append(" — last ").append(lines).append(" lines =====\n")
          .append(process.tail(lines)).append('\n');
    }
    return out.toString();
  }

  @Override
  public void close() {
    OPEN.remove(this);
    List<RunningProcess> reversed = new ArrayList<>(processes);
    java.util.Collections.reverse(reversed);
    for (RunningProcess process : reversed) {
      process.stop();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
