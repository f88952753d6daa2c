package dev.signet.benchmarks.sidebyside;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One of the two systems compared: the command that runs its server (and its admin CLI) and the one that runs
 * its agent. Both take SPIRE's verbs, flags and configuration files.
 */
record Peer(String name, Path server, Path agent) {
  Peer {
    for (Path binary : new Path[] {server, agent}) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalArgumentException("not an executable: '" + binary + "'");
      }
    }
  }

  /** SPIRE v1.13.3 from the directory {@code tools/go-peers} prints. */
  static Peer spire(Path peersBin) {
    return new Peer("SPIRE", peersBin.resolve("spire-server"), peersBin.resolve("spire-agent"));
  }

  /** Signet from its distribution directory ({@code packaging/target/signet}). */
  static Peer signet(Path home) {
    return new Peer("Signet", home.resolve("bin/signet-server"), home.resolve("bin/signet-agent"));
  }
}
