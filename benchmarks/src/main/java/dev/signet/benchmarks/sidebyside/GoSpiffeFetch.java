package dev.signet.benchmarks.sidebyside;

import java.nio.file.Path;
import java.util.List;

/**
 * FetchX509SVID timed by our go-spiffe v2.9.0 client ({@code go-spiffe-client bench}, tools/peers/spiffe-clients):
 * one Workload API client, a new stream per call; sequential latencies, then the throughput of concurrent callers.
 */
record GoSpiffeFetch(double p50Micros, double p99Micros, double fetchesPerSecond) {
  static GoSpiffeFetch run(Path client, Path agentSocket, int calls, int concurrency, int seconds) {
    String out = GoPeerClient.run(List.of(client.toString(), "bench", "-socket", "unix:" + agentSocket,
        "-warmup", "500", "-calls", Integer.toString(calls), "-concurrency", Integer.toString(concurrency),
        "-duration", seconds + "s", "-timeout", "300s"));
    return new GoSpiffeFetch(GoPeerClient.number(out, "p50_us"), GoPeerClient.number(out, "p99_us"),
        GoPeerClient.number(out, "fetches_per_second"));
  }
}
