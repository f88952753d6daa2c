package dev.signet.benchmarks.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Signet beside SPIRE v1.13.3 in one run (issues 11 and 23): each round runs both systems in turn on a fresh
 * server and agent ({@link SystemRound}), the order alternating between rounds (SPIRE first in odd rounds), and
 * prints the medians of the rounds with the ratio Signet / SPIRE. A benchmark: it prints figures and asserts
 * nothing about them.
 *
 * <p>Usage: {@code SideBySide PEERS_BIN SIGNET_HOME [rounds] [seedEntries] [fetchCalls] [propagationCount]
 * [loadSeconds]}, where PEERS_BIN is the directory {@code tools/go-peers} prints (spire-server, spire-agent,
 * go-spiffe-client, spire-api-client) and SIGNET_HOME the distribution ({@code packaging/target/signet}).
 */
public final class SideBySide {
  private SideBySide() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: SideBySide PEERS_BIN SIGNET_HOME [rounds] [seedEntries] [fetchCalls] "
          + "[propagationCount] [loadSeconds]");
    }
    Path peersBin = Path.of(args[0]);
    List<Peer> peers = List.of(Peer.spire(peersBin), Peer.signet(Path.of(args[1])));
    int rounds = argument(args, 2, 2);
    SystemRound.Settings settings = new SystemRound.Settings(peersBin.resolve("go-spiffe-client"),
        peersBin.resolve("spire-api-client"), argument(args, 3, 20_000), argument(args, 4, 2_000),
        argument(args, 5, 20), argument(args, 6, 5));
    Path work = Files.createTempDirectory(Path.of("/tmp"), "sbs");
    System.err.printf("side by side: %d rounds, work directory %s, %d cores, load average %.2f, %s%n", rounds, work,
        Runtime.getRuntime().availableProcessors(), SystemRound.loadAverage(), Instant.now());
    ResultTable table = new ResultTable();
    for (int round = 1; round <= rounds; round++) {
      List<Peer> order = round % 2 == 1 ? peers : peers.reversed();
      for (Peer peer : order) {
        Map<Figure, Double> figures = SystemRound.run(peer, work.resolve(peer.name().toLowerCase() + "-" + round),
            settings);
        table.add(peer, figures);
        System.err.println(peer.name() + " round " + round + ": " + figures);
      }
    }
    System.out.printf("%nSide by side, %d rounds (medians; every round in brackets), %d cores, %s%n%n", rounds,
        Runtime.getRuntime().availableProcessors(), Instant.now());
    System.out.print(table.markdown(String.format("%,d entries", settings.seedEntries())));
    System.err.println("logs and data: " + work);
  }

  private static int argument(String[] args, int index, int fallback) {
    return args.length > index ? Integer.parseInt(args[index]) : fallback;
  }
}
