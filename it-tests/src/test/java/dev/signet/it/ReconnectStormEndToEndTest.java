package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault 8 of issue 15: a thousand agents reconnect at once after a server restart. The agents are the
 * benchmarks' {@code ReconnectStorm} (Signet's own agent client code, attested with join tokens, in one
 * JVM of its own, since the server's and agent's jars stay off this class path); the server is the
 * distribution's, started with a deliberate heap limit. After the restart every agent syncs at once
 * (GetAuthorizedEntries, BatchNewX509SVID for its entries) and retries with back-off. Asserted: the server
 * stays up and never runs out of heap (the launcher's ExitOnOutOfMemoryError would end it), excess signing
 * is refused RESOURCE_EXHAUSTED by the per-address rate limit rather than by timeouts or INTERNAL, and
 * every agent gets all its SVIDs. The only other refusal allowed is UNAVAILABLE on the client's side of the
 * transport: a channel that found the server gone during the restart waits out gRPC's reconnect back-off
 * (calls fail fast "connection refused" meanwhile), and a TLS handshake queued behind a thousand others may
 * be closed; the agent retries both. Figures are printed for RESULTS.md; none is asserted on time.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReconnectStormEndToEndTest extends WorkspacePerTest {
  private static final int AGENTS = Integer.getInteger("signet.storm.agents", 1000);
  /** Ten workloads per agent: 10,000 SVIDs at once, well over the 500 a second one address may have signed. */
  private static final int ENTRIES_PER_AGENT = 10;
  private static final String HEAP_LIMIT = "-Xmx160m";
  private static final Pattern STORM = Pattern.compile(
      "storm: agents=(\\d+) synced=(\\d+) all_synced_ms=(\\d+) p50_ms=(-?\\d+) calls=(\\d+) svids=(\\d+) failures=\\{(.*)}");
  private static final Pattern GC = Pattern.compile("Pause \\w+ \\([^)]*\\) (\\d+)M->(\\d+)M\\((\\d+)M\\)");


  ReconnectStormEndToEndTest() {
    super("storm");
  }

  @Test
  void aThousandAgentsReconnectingAtOnceAreRateLimitedAndAllSync() {
    // attestation unthrottled while the agents are made (all from 127.0.0.1: one a second would take minutes)
    SignetServer server = new SignetServer(workspace).withServerBlocks("    ratelimit {\n        attestation = false\n    }")
        .withEnvironment(Map.of("SIGNET_JAVA_OPTS", HEAP_LIMIT));
    server.start();
    Path go = workspace.path("storm.go");
    RunningProcess storm = workspace.start("storm", List.of(javaBin(), "-Xmx1g", "-cp", benchmarksClassPath(),
        "dev.signet.benchmarks.sidebyside.ReconnectStorm", server.socket().toString(), Integer.toString(server.port()),
        Integer.toString(AGENTS), Integer.toString(ENTRIES_PER_AGENT), go.toString(), "150"));
    Poll.until("the storm's agents attested and connected", Duration.ofMinutes(5), () -> {
      if (!storm.isAlive()) {
        throw new AssertionError("the storm client exited: " + storm.tail(30));
      }
      return log(storm).contains("connected; waiting");
    });

    assertThat(server.stop()).as("server exit code after SIGTERM").isZero();
    Path gcLog = workspace.path("server-gc.log");
    // restarted with the default rate limits (attestation and signing per address, as SPIRE's)
    server.withServerBlocks("").withEnvironment(Map.of("SIGNET_JAVA_OPTS", HEAP_LIMIT + " -Xlog:gc:file=" + gcLog));
    server.start();
    long pid = server.process().pid();
    AtomicLong peakRss = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> peakRss.accumulateAndGet(rssKib(pid), Math::max), 0, 100, TimeUnit.MILLISECONDS);
    try {
      touch(go);
      Matcher figures = Poll.value("the storm's figures", Duration.ofMinutes(4), () -> {
        assertThat(server.process().isAlive()).as("signet-server alive during the storm").isTrue();
        Matcher m = STORM.matcher(log(storm));
        return m.find() ? java.util.Optional.of(m) : java.util.Optional.empty();
      });
      sampler.shutdownNow();
      String serverLog = log(server.process());
      assertThat(server.process().isAlive()).as("signet-server alive after the storm").isTrue();
      assertThat(serverLog).as("server log").doesNotContain("OutOfMemoryError");
      assertThat(server.serving(server.socket())).as("server still serving").isTrue();

      int synced = Integer.parseInt(figures.group(2));
      String failures = figures.group(7);
      long rateLimited = count(failures, "RESOURCE_EXHAUSTED");
      System.out.printf("storm: %d agents after a restart under %s: all %d synced in %s ms (p50 %s ms), %s calls, "
              + "%s SVIDs, refusals {%s}; server peak RSS %d MiB, heap %s%n", AGENTS, HEAP_LIMIT, synced,
          figures.group(3), figures.group(4), figures.group(5), figures.group(6), failures, peakRss.get() / 1024,
          heapFigures(gcLog));
      assertThat(synced).as("agents that got all their SVIDs").isEqualTo(AGENTS);
      assertThat(rateLimited).as("calls refused RESOURCE_EXHAUSTED by the rate limit").isPositive();
      assertThat(failures).as("refusals other than the rate limit (timeouts, INTERNAL, ...)")
          .doesNotContain("INTERNAL", "DEADLINE_EXCEEDED", "UNKNOWN", "FAILED_PRECONDITION");
    } finally {
      sampler.shutdownNow();
    }
  }

  private static long count(String failures, String code) {
    Matcher m = Pattern.compile(code + "=(\\d+)").matcher(failures);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** The largest heap before and after a collection, and the heap's size, from the server's GC log. */
  private static String heapFigures(Path gcLog) {
    long before = 0;
    long after = 0;
    long size = 0;
    try {
      for (String line : Files.readAllLines(gcLog)) {
        Matcher m = GC.matcher(line);
        if (m.find()) {
          before = Math.max(before, Long.parseLong(m.group(1)));
          after = Math.max(after, Long.parseLong(m.group(2)));
          size = Math.max(size, Long.parseLong(m.group(3)));
        }
      }
    } catch (IOException e) {
      return "(no gc log: " + e + ")";
    }
    return "peak " + before + " MiB before a collection, " + after + " MiB live after one, of " + size + " MiB committed";
  }

  private static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return 0; // the process is gone; the test's liveness checks say so
    }
    return 0;
  }

  private static String log(RunningProcess process) {
    try {
      return Files.readString(process.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void touch(Path file) {
    try {
      Files.writeString(file, "go");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The benchmarks module's classes and its dependencies (the build writes target/classpath.txt). */
  private static String benchmarksClassPath() {
    Path target = Path.of(System.getProperty("signet.benchmarks", "../benchmarks/target"));
    try {
      List<String> entries = new ArrayList<>(List.of(target.resolve("classes").toString()));
      entries.add(Files.readString(target.resolve("classpath.txt")).strip());
      return String.join(java.io.File.pathSeparator, entries);
    } catch (IOException e) {
      throw new AssertionError("the benchmarks module is not built (" + target + "/classpath.txt); build with -am", e);
    }
  }
}
