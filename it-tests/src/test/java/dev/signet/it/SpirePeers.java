package dev.signet.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real peers the interop tests run beside Signet: SPIRE's binaries and our go-spiffe client, which
 * {@code tools/go-peers} builds from the Go module proxy into a cache directory that {@code tools/test} passes
 * as {@code SIGNET_PEERS_BIN}, and a Python with py-spiffe, which {@code tools/py-peers} installs from PyPI
 * into a virtualenv that {@code tools/test} passes as {@code SIGNET_PY_SPIFFE}. A missing peer fails the
 * test; it never skips.
 */
final class SpirePeers {
  private SpirePeers() {}

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
