package dev.signet.benchmarks.sidebyside;

import dev.signet.benchmarks.WorkloadClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent over a long run of rotations beside SPIRE's (issue 16): 100 entries with a short X509-SVID TTL under
 * the agent's node, so every SVID rotates every half TTL; the agent's VmRSS and PSS sampled every 10 s (growth is
 * a leak), its CPU time over the run divided by the SVIDs it renewed, and the rotations a workload sees (a new
 * leaf on a fresh FetchX509SVID call). Both systems run at the same time, each with its own server and agent, so
 * the run takes as long as one; CPU time per rotation does not depend on what else shares the cores.
 * A benchmark: it prints figures and asserts nothing about them.
 *
 * <p>Usage: {@code AgentSoak PEERS_BIN SIGNET_HOME [minutes (30)] [ttl seconds (60)] [both|signet|spire]}.
 */
public final class AgentSoak {
  private static final int ENTRIES = 100;
  private static final Duration SAMPLE = Duration.ofSeconds(10);

  private AgentSoak() {}

  record Result(String system, double rssStartMb, double rssEndMb, double rssMaxMb, double pssStartMb,
      double pssEndMb, int rotationsSeen, long cpuMicros, List<Double> rssSeries) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: AgentSoak PEERS_BIN SIGNET_HOME [minutes] [ttl seconds] [systems]");
    }
    int minutes = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    int ttl = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    String systems = args.length > 4 ? args[4] : "both";
    List<Peer> peers = switch (systems) {
      case "both" -> List.of(Peer.spire(Path.of(args[0])), Peer.signet(Path.of(args[1])));
      case "signet" -> List.of(Peer.signet(Path.of(args[1])));
      case "spire" -> List.of(Peer.spire(Path.of(args[0])));
      default -> throw new IllegalArgumentException("systems must be both, signet or spire, not '" + systems + "'");
    };
    Path work = Files.createTempDirectory(Path.of("/tmp"), "soak");
    System.err.printf("agent soak: %d min, x509 TTL %d s, %d entries, work directory %s, load average %.2f, %s%n",
        minutes, ttl, ENTRIES, work, SystemRound.loadAverage(), Instant.now());
    ExecutorService runs = Executors.newFixedThreadPool(peers.size());
    List<Future<Result>> results = new ArrayList<>();
    for (Peer peer : peers) {
      results.add(runs.submit(() -> soak(peer, work.resolve(peer.name().toLowerCase()), minutes, ttl)));
    }
    List<Result> done = new ArrayList<>();
    for (Future<Result> result : results) {
      done.add(result.get());
    }
    runs.shutdown();
    System.out.printf("%nAgent over %d minutes of rotations (x509 TTL %d s, %d entries), %s%n%n", minutes, ttl,
        ENTRIES, Instant.now());
    System.out.println("| system | VmRSS at start → end (max) | PSS at start → end | rotations seen by the workload "
        + "| SVIDs renewed (all entries) | agent CPU per renewed SVID |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (Result r : done) {
      long renewed = (long) r.rotationsSeen() * ENTRIES;
      System.out.printf("| %s | %.1f → %.1f MB (%.1f) | %.1f → %.1f MB | %d | %d | %.0f µs |%n", r.system(),
          r.rssStartMb(), r.rssEndMb(), r.rssMaxMb(), r.pssStartMb(), r.pssEndMb(), r.rotationsSeen(), renewed,
          renewed == 0 ? 0.0 : r.cpuMicros() / (double) renewed);
    }
    for (Result r : done) {
      System.out.println(r.system() + " VmRSS every " + SAMPLE.toSeconds() + " s (MB): " + r.rssSeries().stream()
          .map(mb -> String.format("%.1f", mb)).toList());
    }
    System.err.println("logs and data: " + work);
  }

  private static Result soak(Peer peer, Path work, int minutes, int ttl) throws IOException {
    try (Deployment deployment = new Deployment(peer, work)) {
      deployment.startServer();
      AdminApi admin = deployment.admin();
      String token = admin.joinToken();
      String agentPath = "/spire/agent/join_token/" + token;
      admin.create(SystemRound.workloadAndOthers(agentPath, ENTRIES).stream()
          .map(entry -> entry.toBuilder().setX509SvidTtl(ttl).build()).toList());
      String workloadId = AdminApi.id(SystemRound.WORKLOAD_PATH);
      try (WorkloadClient workload = new WorkloadClient(deployment.agentSocket())) {
        Daemon agent = deployment.startAgent(token);
        workload.awaitFirstSvid(workloadId, Duration.ofSeconds(120), () -> SystemRound.alive(agent));
        SystemRound.settle(10);
        ProcessMemory start = agent.memory();
        long cpuStart = ProcessCpu.micros(agent.pid());
        Set<Integer> leaves = new HashSet<>();
        workload.leafFingerprint(workloadId).ifPresent(leaves::add);
        List<Double> series = new ArrayList<>(List.of(start.rssMb()));
        double max = start.rssMb();
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
        long nextSample = System.nanoTime() + SAMPLE.toNanos();
        while (System.nanoTime() < end) {
          agent.requireAlive();
          Optional<Integer> leaf = workload.leafFingerprint(workloadId);
          leaf.ifPresent(leaves::add);
          if (System.nanoTime() >= nextSample) {
            double rss = agent.memory().rssMb();
            series.add(rss);
            max = Math.max(max, rss);
            nextSample += SAMPLE.toNanos();
          }
          LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
        }
        long cpu = ProcessCpu.micros(agent.pid()) - cpuStart;
        ProcessMemory last = agent.memory();
        return new Result(peer.name(), start.rssMb(), last.rssMb(), Math.max(max, last.rssMb()), start.pssMb(),
            last.pssMb(), leaves.size() - 1, cpu, series);
      }
    }
  }
}
