package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real peers the interop tests run beside Signet: SPIRE's binaries and our go-spiffe client, which
 * {@code tools/go-peers} builds from the Go module proxy into a cache directory that {@code tools/test} passes
 * as {@code SIGNET_PEERS_BIN}, and a Python with py-spiffe, which {@code tools/py-peers} installs from PyPI
 * into a virtualenv that {@code tools/test} passes as {@code SIGNET_PY_SPIFFE}. A missing peer fails the
 * test; it never skips.
 */
final class SpirePeers {
  /** The SPIRE module the peers are built from ({@code tools/peers/spire/go.mod}). */
  static final String SPIRE_MODULE = "github.com/spiffe/spire@v1.13.3";

  private SpirePeers() {}

  /**
   * The directory of SPIRE's module source in the Go module cache (its {@code conf/}, test fixtures), as {@code
   * go mod download} reports it: already there when {@code tools/go-peers} has built SPIRE, so nothing is fetched.
   */
  static Path spireModule() {
    try {
      Process download = new ProcessBuilder(go(), "mod", "download", "-json", SPIRE_MODULE)
          .directory(Path.of(System.getProperty("signet.repo"), "tools", "peers", "spire").toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      JsonNode module = new ObjectMapper().readTree(download.getInputStream());
      if (!download.waitFor(300, TimeUnit.SECONDS) || download.exitValue() != 0) {
        download.destroyForcibly();
        throw new AssertionError("go mod download " + SPIRE_MODULE + " failed");
      }
      return Path.of(module.get("Dir").asText());
    } catch (IOException e) {
      throw new AssertionError("cannot run go mod download " + SPIRE_MODULE + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static String go() {
    for (String candidate : List.of("/usr/local/go/bin/go", "/usr/bin/go", "/usr/lib/go/bin/go")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "go";
  }

  /** The path of the peer binary {@code name} ({@code spire-agent}, {@code spire-server}, {@code go-spiffe-client}). */
  static String bin(String name) {
    String dir = System.getenv("SIGNET_PEERS_BIN");
    if (dir == null || dir.isBlank()) {
      throw new AssertionError("SIGNET_PEERS_BIN is not set: run the tests through tools/test, or export "
          + "SIGNET_PEERS_BIN=$(tools/go-peers)");
    }
    Path binary = Path.of(dir, name);
    if (!Files.isExecutable(binary)) {
      throw new AssertionError(binary + " is missing: run tools/go-peers");
    }
    return binary.toString();
  }

  /** A directory of data that a peer module wrote beside its binaries (kubeconform's Kubernetes schemas). */
  static Path directory(String name) {
    Path directory = Path.of(bin(name));
    if (!Files.isDirectory(directory)) {
      throw new AssertionError(directory + " is not a directory: run tools/go-peers");
    }
    return directory;
  }

  /** The python of the virtualenv that holds py-spiffe. */
  static String pySpiffePython() {
    String python = System.getenv("SIGNET_PY_SPIFFE");
    if (python == null || python.isBlank()) {
      throw new AssertionError("SIGNET_PY_SPIFFE is not set: run the tests through tools/test, or export "
          + "SIGNET_PY_SPIFFE=$(tools/py-peers)");
    }
    if (!Files.isExecutable(Path.of(python))) {
      throw new AssertionError(python + " is missing: run tools/py-peers");
    }
    return python;
  }

  /** Our py-spiffe client script, {@code tools/peers/spiffe-clients/py_spiffe_client.py} in the repository. */
  static String pySpiffeClient() {
    Path script = Path.of("..", "tools", "peers", "spiffe-clients", "py_spiffe_client.py").toAbsolutePath().normalize();
    if (!Files.isRegularFile(script)) {
      throw new AssertionError(script + " is missing");
    }
    return script.toString();
  }
}
