package dev.signet.benchmarks.sidebyside;

import dev.signet.benchmarks.WorkloadClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry created → SVID at a watching workload: with one FetchX509SVID stream open as the caller's uid, creates one
 * entry for that uid at a time and times from the create call's return (as a CLI returning) to the stream
 * delivering the new SPIFFE ID. The entries are deleted afterwards.
 */
final class Propagation {
  private Propagation() {}

  /** Returns the latencies in milliseconds, sorted. */
  static double[] millis(AdminApi admin, WorkloadClient workload, String agentPath, String workloadId, int uid, int count) {
    workload.watch();
    workload.awaitWatched(workloadId, Duration.ofSeconds(60)); // the stream is open and serving
    double[] latencies = new double[count];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String path = "/propagation/" + i;
      ids.addAll(admin.create(List.of(AdminApi.entry(agentPath, path, "unix", "uid:" + uid))));
      long created = System.nanoTime();
      long seen = workload.awaitWatched(AdminApi.id(path), Duration.ofSeconds(60));
      latencies[i] = Math.max(0, seen - created) / 1e6;
    }
    admin.delete(ids);
    Arrays.sort(latencies);
    return latencies;
  }

  static double quantile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))];
  }
}
