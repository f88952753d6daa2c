package dev.signet.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real SPIRE binaries the interop tests run beside Signet: {@code tools/go-peers} builds them from the Go
 * module proxy into a cache directory and {@code tools/test} passes that directory as
 * {@code SIGNET_PEERS_BIN}. A missing binary fails the test; it never skips.
 */
final class SpirePeers {
  private SpirePeers() {}

  /** The path of the peer binary {@code name} ({@code spire-agent}, {@code spire-server}). */
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
}
