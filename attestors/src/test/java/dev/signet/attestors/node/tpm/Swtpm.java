package dev.signet.attestors.node.tpm;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real software TPM for tests: {@code swtpm_setup --tpm2 --create-ek-cert} manufactures it in a directory
 * (EK certificates signed by swtpm's local CA, whose files live under {@code <dir>/ca}), then
 * {@code swtpm socket} serves it over TCP on {@link #port()} (commands) and {@code port + 1} (control).
 * Missing swtpm binaries fail loudly: these tests must never pass by skipping. JDK classes only, so the
 * end-to-end tests can use it too. Close it (always) to stop the process.
 */
public final class Swtpm implements AutoCloseable {
  private final Path directory;
  private final Process process;
  private final int port;

  private Swtpm(Path directory, Process process, int port) {
    this.directory = directory;
    this.process = process;
    this.port = port;
  }

  /** Manufactures a TPM in {@code directory} (created if needed) and starts serving it. */
  public static Swtpm start(Path directory) throws IOException, InterruptedException {
    String swtpm = requireTool("swtpm");
    String setup = requireTool("swtpm_setup");
    String localCa = requireTool("swtpm_localca");
    Path state = Files.createDirectories(directory.resolve("state"));
    Path ca = Files.createDirectories(directory.resolve("ca"));
    Files.writeString(directory.resolve("localca.conf"), """
        statedir = %1$s
        signingkey = %1$s/signkey.pem
        issuercert = %1$s/issuercert.pem
        certserial = %1$s/certserial
        """.formatted(ca));
    Files.writeString(directory.resolve("localca.options"), """
        --platform-manufacturer Signet
        --platform-version 2.1
        --platform-model test
        """);
    Files.writeString(directory.resolve("swtpm_setup.conf"), """
        create_certs_tool = %s
        create_certs_tool_config = %s
        create_certs_tool_options = %s
        active_pcr_banks = sha256
        """.formatted(localCa, directory.resolve("localca.conf"), directory.resolve("localca.options")));
    run(directory.resolve("swtpm_setup.log"), setup, "--tpm2", "--create-ek-cert", "--tpmstate", state.toString(),
        "--config", directory.resolve("swtpm_setup.conf").toString(), "--overwrite");

    int port = freePortPair();
    Path pidFile = directory.resolve("swtpm.pid");
    Files.deleteIfExists(pidFile);
    try (WatchService watcher = directory.getFileSystem().newWatchService()) {
      directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
      Process process = new ProcessBuilder(swtpm, "socket", "--tpm2", "--tpmstate", "dir=" + state,
          "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
          "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
          "--flags", "not-need-init,startup-clear", "--pid", "file=" + pidFile,
          "--log", "file=" + directory.resolve("swtpm.log"))
          .redirectErrorStream(true).redirectOutput(directory.resolve("swtpm.out").toFile()).start();
      // swtpm writes its pid file after it listens on both ports: wait for that event, not for time to pass.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!Files.exists(pidFile)) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
          process.destroyForcibly();
          throw new IllegalStateException("swtpm did not start: " + Files.readString(directory.resolve("swtpm.out")));
        }
        var key = watcher.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
      return new Swtpm(directory, process, port);
    } catch (ClosedWatchServiceException e) {
      throw new IllegalStateException("swtpm start-up watch closed", e);
    }
  }

  /** The command port (the control port is the next one). */
  public int port() {
    return port;
  }

  /** The agent's {@code tpm_path} for this TPM. */
  public String tpmPath() {
    return "swtpm:host=127.0.0.1,port=" + port;
  }

  /** swtpm's local CA: the issuer of the EK certificates and its root, the manufacturer CAs to trust. */
  public List<Path> manufacturerCas() {
    return List.of(directory.resolve("ca/issuercert.pem"), directory.resolve("ca/swtpm-localca-rootca-cert.pem"));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The absolute path of {@code tool} on PATH; a missing tool is an error naming the packages to install. */
  public static String requireTool(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    for (Path candidate : List.of(Path.of("/usr/bin", tool), Path.of("/usr/share/swtpm", tool))) {
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(tool + " is not installed; the tpm tests need a real software TPM: "
        + "apt-get install swtpm swtpm-tools tpm2-tools");
  }

  private static void run(Path log, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command[0] + " did not finish within 60 s");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(command[0] + " failed (" + process.exitValue() + "): " + Files.readString(log));
    }
  }

  private static int freePortPair() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = first.getLocalPort();
        if (port < 65535) {
          try (ServerSocket second = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
            if (second.isBound()) {
              return port;
            }
          } catch (IOException taken) {
            // try another pair
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("no free local port", e);
      }
    }
    throw new IllegalStateException("no two consecutive free local ports");
  }
}
