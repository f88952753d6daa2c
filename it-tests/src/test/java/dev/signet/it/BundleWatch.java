package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Our go-spiffe client's {@code watch-bundles} ({@code workloadapi.WatchX509Bundles}) on a Workload API socket,
 * running in the workspace: each X.509 bundle set the socket pushes is one JSON line of the process log, with the
 * time it arrived and per trust domain the sha256 fingerprints of its authorities.
 */
final class BundleWatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunningProcess process;

  BundleWatch(Workspace workspace, String name, String address) {
    process = workspace.start(name, List.of(SpirePeers.bin("go-spiffe-client"), "watch-bundles", "-socket", address,
        "-updates", "1000", "-timeout", "10m"));
  }

  /** The updates seen so far, oldest first: {@code arrived_unix_ms}, and {@code bundles} by trust domain. */
  List<JsonNode> updates() {
    List<JsonNode> updates = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(process.log(), StandardCharsets.UTF_8)) {
        if (line.startsWith("{\"update\"")) {
          updates.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return updates;
  }

  /** The latest update's authorities of {@code trustDomain} (empty when none or the domain is absent). */
  List<String> authorities(String trustDomain) {
    List<JsonNode> updates = updates();
    return updates.isEmpty() ? List.of() : authorities(updates.getLast(), trustDomain);
  }

  private static List<String> authorities(JsonNode update, String trustDomain) {
    List<String> out = new ArrayList<>();
    update.path("bundles").path(trustDomain).forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Waits until the latest update's authorities of {@code trustDomain} match; returns the ms from {@code
   * sinceEpochMillis} ({@link System#currentTimeMillis()}) to the arrival of the first update since then that
   * matched (0 if it came first).
   */
  long await(String what, String trustDomain, Predicate<List<String>> condition, long sinceEpochMillis,
      Duration timeout) {
    Poll.until(what + " on the go-spiffe bundle watch", timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("go-spiffe watch-bundles exited:\n" + process.tail(20));
      }
      return condition.test(authorities(trustDomain));
    });
    long arrived = updates().stream()
        .filter(update -> update.path("arrived_unix_ms").asLong() >= sinceEpochMillis)
        .filter(update -> condition.test(authorities(update, trustDomain)))
        .mapToLong(update -> update.path("arrived_unix_ms").asLong())
        .findFirst().orElse(sinceEpochMillis);
    return Math.max(0, arrived - sinceEpochMillis);
  }
}
