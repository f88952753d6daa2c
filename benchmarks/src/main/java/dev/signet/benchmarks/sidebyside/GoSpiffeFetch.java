package dev.signet.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FetchX509SVID timed by our go-spiffe v2.9.0 client ({@code go-spiffe-client bench}, tools/peers/spiffe-clients):
 * one Workload API client, a new stream per call; sequential latencies, then the throughput of concurrent callers.
 */
record GoSpiffeFetch(double p50Micros, double p99Micros, double fetchesPerSecond) {
  static GoSpiffeFetch run(Path client, Path agentSocket, int calls, int concurrency, int seconds) {
    try {
      Process process = new ProcessBuilder(client.toString(), "bench", "-socket", "unix:" + agentSocket,
          "-warmup", "500", "-calls", Integer.toString(calls), "-concurrency", Integer.toString(concurrency),
          "-duration", seconds + "s", "-timeout", "300s").redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("go-spiffe-client bench failed on " + agentSocket + ": " + out);
      }
      return new GoSpiffeFetch(number(out, "p50_us"), number(out, "p99_us"), number(out, "fetches_per_second"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\\s*([0-9.eE+-]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no '" + key + "' in go-spiffe-client output: " + json);
    }
    return Double.parseDouble(m.group(1));
  }
}
