package dev.signet.benchmarks.sidebyside;

import dev.signet.benchmarks.WorkloadClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's and the admin CLI's footprint beside SPIRE v1.13.3 (issue 16), a shorter run than {@link SideBySide}:
 * per system and round, a fresh server with 100 entries under the agent's node (one for the caller's uid), the
 * agent's first start with a join token, its memory 5 s after the first SVID, several restarts on its stored
 * identity (fork to the first FetchX509SVID answer naming the workload, the median of the restarts), its memory
 * 5 s after the last restart, the CPU time an agent used from its fork to that first SVID (median of the
 * restarts; far less sensitive than wall time to the load of a shared machine), and the wall time of the admin
 * CLI's {@code agent list} and {@code entry show}. A benchmark: it prints figures and asserts nothing about them.
 *
 * <p>Usage: {@code AgentFootprint PEERS_BIN SIGNET_HOME [rounds (2)] [restarts (3)] [cli calls (5)]
 * [systems: both|signet|spire]}.
 */
public final class AgentFootprint {
  private static final Duration SVID_TIMEOUT = Duration.ofSeconds(120);

  private AgentFootprint() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: AgentFootprint PEERS_BIN SIGNET_HOME [rounds] [restarts] [cli calls] "
          + "[both|signet|spire]");
    }
    Path peersBin = Path.of(args[0]);
    String systems = args.length > 5 ? args[5] : "both";
    List<Peer> peers = switch (systems) {
      case "both" -> List.of(Peer.spire(peersBin), Peer.signet(Path.of(args[1])));
      case "signet" -> List.of(Peer.signet(Path.of(args[1])));
      case "spire" -> List.of(Peer.spire(peersBin));
      default -> throw new IllegalArgumentException("systems must be both, signet or spire, not '" + systems + "'");
    };
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int restarts = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int cliCalls = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    Path work = Files.createTempDirectory(Path.of("/tmp"), "footprint");
    System.err.printf("agent footprint: %d rounds, %d restarts, %d cli calls, work directory %s, load average %.2f, %s%n",
        rounds, restarts, cliCalls, work, SystemRound.loadAverage(), Instant.now());
    ResultTable table = new ResultTable();
    for (int round = 1; round <= rounds; round++) {
      List<Peer> order = round % 2 == 1 ? peers : peers.reversed();
      for (Peer peer : order) {
        Map<Figure, Double> figures;
        try (Deployment deployment = new Deployment(peer, work.resolve(peer.name().toLowerCase() + "-" + round))) {
          figures = measure(deployment, restarts, cliCalls);
        }
        table.add(peer, figures);
        System.err.println(peer.name() + " round " + round + ": " + figures);
      }
    }
    System.out.printf("%nAgent and CLI footprint, %d rounds (medians; every round in brackets), %s%n%n", rounds,
        Instant.now());
    System.out.print(table.markdown(""));
    System.err.println("logs and data: " + work);
  }

  private static Map<Figure, Double> measure(Deployment deployment, int restarts, int cliCalls) {
    Map<Figure, Double> figures = new EnumMap<>(Figure.class);
    figures.put(Figure.LOAD_AVERAGE, SystemRound.loadAverage());
    deployment.startServer();
    AdminApi admin = deployment.admin();
    String token = admin.joinToken();
    String agentPath = "/spire/agent/join_token/" + token;
    admin.create(SystemRound.workloadAndOthers(agentPath, 100));
    String workloadId = AdminApi.id(SystemRound.WORKLOAD_PATH);
    try (WorkloadClient workload = new WorkloadClient(deployment.agentSocket())) {
      Daemon agent = deployment.startAgent(token);
      figures.put(Figure.AGENT_FIRST_SVID_JOIN, firstSvid(agent, workload, workloadId));
      SystemRound.settle(5);
      ProcessMemory memory = agent.memory();
      figures.put(Figure.AGENT_RSS_100, memory.rssMb());
      figures.put(Figure.AGENT_PSS_100, memory.pssMb());
      List<Double> restartMillis = new ArrayList<>();
      List<Double> restartCpuMillis = new ArrayList<>();
      for (int i = 0; i < restarts; i++) {
        deployment.stopAgent();
        Daemon restarted = deployment.startAgent(null);
        restartMillis.add(firstSvid(restarted, workload, workloadId));
        // the CPU the agent used until then: unlike wall time, independent of what else shares the cores
        restartCpuMillis.add(ProcessCpu.micros(restarted.pid()) / 1000.0);
        System.err.println(deployment.peer().name() + " restart " + (i + 1) + " cpu by thread (ms): "
            + ProcessCpu.microsByThread(restarted.pid()).entrySet().stream().limit(8)
                .map(entry -> entry.getKey() + " " + entry.getValue() / 1000).toList());
      }
      figures.put(Figure.AGENT_FIRST_SVID_STORED, ResultTable.median(restartMillis));
      figures.put(Figure.AGENT_RESTART_CPU, ResultTable.median(restartCpuMillis));
      System.err.println(deployment.peer().name() + " restarts: " + restartMillis + " ms, cpu " + restartCpuMillis + " ms");
      SystemRound.settle(5);
      memory = deployment.agent().memory();
      figures.put(Figure.AGENT_RSS_RESTARTED, memory.rssMb());
    }
    figures.put(Figure.CLI_AGENT_LIST, SystemRound.medianOf(cliCalls, () -> deployment.cliMillis("agent", "list")));
    figures.put(Figure.CLI_ENTRY_SHOW, SystemRound.medianOf(cliCalls,
        () -> deployment.cliMillis("entry", "show", "-spiffeID", workloadId)));
    return figures;
  }

  private static double firstSvid(Daemon agent, WorkloadClient workload, String workloadId) {
    return SystemRound.millisSince(agent, workload.awaitFirstSvid(workloadId, SVID_TIMEOUT,
        () -> SystemRound.alive(agent)));
  }
}
