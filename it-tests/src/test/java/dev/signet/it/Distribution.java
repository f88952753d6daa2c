package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The built distribution ({@code packaging/target/signet}, system property {@code signet.home}) and the
 * system tools the tests need. Anything missing fails the test loudly: these tests never skip.
 */
public final class Distribution {
  private static final Distribution INSTANCE = locate();

  private final Path home;

  private Distribution(Path home) {
    this.home = home;
  }

  public static Distribution get() {
    return INSTANCE;
  }

  private static Distribution locate() {
    String property = System.getProperty("signet.home", "../packaging/target/signet");
    Path home = Path.of(property).toAbsolutePath().normalize();
    for (String bin : List.of("signet-server", "signet-agent", "signet-launcher")) {
      Path file = home.resolve("bin").resolve(bin);
      if (!Files.isExecutable(file)) {
        throw new IllegalStateException("the Signet distribution is missing or incomplete: " + file
            + " is not executable; build it with ./mvnw -B -o -pl packaging install -DskipTests");
      }
    }
    return new Distribution(home);
  }

  public Path home() {
    return home;
  }

  public String serverBin() {
    return home.resolve("bin/signet-server").toString();
  }

  public String agentBin() {
    return home.resolve("bin/signet-agent").toString();
  }

  /** Absolute path of a system tool, failing loudly when it is not installed. */
  public static String requireTool(String name) {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException("required system tool '" + name + "' is not installed (looked in /usr/sbin,"
        + " /usr/bin, /sbin, /bin); the end-to-end tests need it and do not skip");
  }

  /** Runs a short-lived command to completion (killing its process tree after {@code timeout}). */
  /**
   * A CLI command line: {@code prefix}, then the leading verbs of {@code commandAndArgs}, then
   * {@code -socketPath socket}, then the rest of {@code commandAndArgs} (Go-style flags follow the verbs).
   */
  public static List<String> cliCommand(List<String> prefix, Path socket, String... commandAndArgs) {
    List<String> command = new ArrayList<>(prefix);
    int split = 0;
    while (split < commandAndArgs.length && !commandAndArgs[split].startsWith("-")) {
      command.add(commandAndArgs[split++]);
    }
    command.add("-socketPath");
    command.add(socket.toString());
    command.addAll(List.of(commandAndArgs).subList(split, commandAndArgs.length));
    return command;
  }

  public static CommandResult run(Duration timeout, List<String> command) {
    String shown = String.join(" ", command);
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("signet-it-out", ".txt");
      err = Files.createTempFile("signet-it-err", ".txt");
      Process process = new ProcessBuilder(new ArrayList<>(command))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("command did not finish within " + timeout.toMillis() + " ms: " + shown
            + "\n--- stdout ---\n" + Files.readString(out) + "\n--- stderr ---\n" + Files.readString(err));
      }
      return new CommandResult(shown, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + shown, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + shown, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover temp file is harmless
      }
    }
  }
}
