package dev.signet.datastore.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.RegistrationEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process writing to the default embedded store is killed with SIGKILL while it creates entries; on
 * reopening, every entry whose create had returned is there, exactly once. (H2's default write delay lost
 * the last half second of acknowledged creates here.)
 */
class CrashDurabilityTest {
  @TempDir Path dataDir;

  @ParameterizedTest(name = "killed after {0} acknowledged creates")
  @ValueSource(ints = {150, 400})
  void everyAcknowledgedCreateSurvivesSigkill(int killAfter) throws Exception {
    List<String> acknowledged = runAndKill(killAfter);

    try (SqlDataStore reopened = SqlDataStore.open(SqlConfig.defaults(), dataDir, Clock.systemUTC())) {
      List<String> kept = reopened.listAllEntries().stream()
          .map(RegistrationEntry::spiffeId).map(SpiffeId::path).toList();
      assertThat(new HashSet<>(kept)).as("entries kept after SIGKILL").containsAll(acknowledged);
      assertThat(kept).as("no entry twice").doesNotHaveDuplicates();
      // at most the one create in flight when the process died may be there unacknowledged
      assertThat(kept.size()).isBetween(acknowledged.size(), acknowledged.size() + 1);
    }
  }

  private List<String> runAndKill(int killAfter) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process victim = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashWriter.class.getName(), dataDir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    List<String> acknowledged = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (!line.startsWith("ack ")) {
          continue; // the writer's log lines
        }
        acknowledged.add(line.substring(4));
        if (acknowledged.size() == killAfter) {
          // SIGKILL, no shutdown hook, no close; through the handle, which (unlike Process) leaves the pipe
          // open so the lines already written can still be read
          victim.toHandle().destroyForcibly();
          break;
        }
      }
      // lines already printed before the kill were acknowledged too
      while ((line = out.readLine()) != null) {
        if (line.startsWith("ack ")) {
          acknowledged.add(line.substring(4));
        }
      }
    } finally {
      victim.destroyForcibly();
      assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acknowledged).as("creates acknowledged before the kill").hasSizeGreaterThanOrEqualTo(killAfter);
    Set<String> distinct = new HashSet<>(acknowledged);
    assertThat(distinct).hasSameSizeAs(acknowledged);
    return acknowledged;
  }
}
