package dev.signet.datastore.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes writing to the default embedded store (SQLite) are killed with SIGKILL, round after round on
 * the same files, never closed cleanly: each new process must find every entry and every TTL that the one
 * before had acknowledged (an update in flight may have gone either way). On H2, the default store of
 * earlier releases, this lost acknowledged writes: the last half second of them with H2's default write
 * delay, and, with that fixed, some of those made between two crashes of a reopened store (see
 * {@link H2Urls}). {@code -Dsignet.crash.rounds=N} runs more rounds than the default eight.
 */
class CrashDurabilityTest {
  private static final int ROUNDS = Integer.getInteger("signet.crash.rounds", 8);

  @TempDir Path dataDir;

  @Test
  void everyAcknowledgedWriteSurvivesRepeatedSigkills() throws Exception {
    Random random = new Random();
    Round previous = null;
    long acknowledged = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      Round current = runAndKill(60 + random.nextInt(240));
      if (previous != null) {
        acknowledged += previous.acknowledged().size();
        for (Map.Entry<String, Integer> acked : previous.acknowledged().entrySet()) {
          Integer kept = current.found().get(acked.getKey());
          Integer inFlight = previous.inFlight().get(acked.getKey());
          assertThat(kept).as("round %d: entry %s, acknowledged with ttl %d (update in flight: %s)", round,
              acked.getKey(), acked.getValue(), inFlight).isIn(acked.getValue(), inFlight);
        }
      }
      previous = current;
    }
    System.out.printf("crash durability: %d rounds, %d acknowledged entries checked after a kill, all kept%n",
        ROUNDS, acknowledged);
  }

  /** What one victim found at open, was told succeeded, and had in flight when it died. */
  private record Round(Map<String, Integer> found, Map<String, Integer> acknowledged, Map<String, Integer> inFlight) {}

  private Round runAndKill(int killAfterAcks) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process victim = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashWriter.class.getName(), dataDir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    Map<String, Integer> found = new HashMap<>();
    Map<String, Integer> acknowledged = new HashMap<>();
    Map<String, Integer> inFlight = new HashMap<>();
    int acks = 0;
    boolean opened = false;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        String[] parts = line.split(" ");
        switch (parts[0]) {
          case "E" -> found.put(parts[1], Integer.parseInt(parts[2]));
          case "S" -> {
            opened = true;
            acknowledged.putAll(found);
          }
          case "B" -> inFlight.put(parts[1], Integer.parseInt(parts[2]));
          case "A" -> {
            acknowledged.put(parts[1], Integer.parseInt(parts[2]));
            inFlight.remove(parts[1]);
            if (++acks == killAfterAcks) {
              // SIGKILL, no shutdown hook, no close; through the handle, which (unlike Process) leaves the
              // pipe open so the lines already written can still be read
              victim.toHandle().destroyForcibly();
            }
          }
          default -> { } // the victim's log lines
        }
      }
    } finally {
      victim.destroyForcibly();
      assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(opened).as("the victim opened the store").isTrue();
    assertThat(acks).as("writes acknowledged before the kill").isGreaterThanOrEqualTo(killAfterAcks);
    return new Round(found, acknowledged, inFlight);
  }
}
