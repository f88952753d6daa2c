package dev.signet.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Agent cold start: launches the agent command given as arguments (after the socket path), polls its
 * Workload API socket with FetchX509SVID, and prints the time from process start to the first SVID
 * served; then stops the agent. The poller's own JVM is warm before the agent starts.
 *
 * <p>Usage: {@code AgentColdStart AGENT_SOCKET signet-agent run -config …}.
 */
public final class AgentColdStart {
  private AgentColdStart() {}

  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    List<String> command = Arrays.asList(args).subList(1, args.length);
    Files.deleteIfExists(socket);
    try (WorkloadClient workload = new WorkloadClient(socket)) {
      long start = System.nanoTime();
      Process agent = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("/tmp/signet-coldstart-agent.log").toFile())).start();
      try {
        long served = workload.awaitFirstSvid(null, Duration.ofSeconds(60), agent::isAlive);
        System.out.printf("agent process start -> first X509-SVID served: %d ms%n",
            TimeUnit.NANOSECONDS.toMillis(served - start));
      } catch (IllegalStateException e) {
        System.out.println(e.getMessage());
      } finally {
        agent.destroy();
        agent.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
