package dev.signet.benchmarks.sidebyside;

import dev.signet.benchmarks.WorkloadClient;
import dev.signet.proto.spire.api.types.Entry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * One system's turn in one round, always in this order on a fresh server and agent: server start and idle
 * memory; 100 entries under the agent's node (one for the caller's uid) and the agent's first start with a join
 * token; agent memory; go-spiffe fetches; agent restart on its stored identity; propagation; 1,000 entries and
 * agent memory; issuance (Mint, BatchNew); TLS handshakes on the agent endpoint; a first sync of 1,000 entries; CLI
 * calls; seeding entries under another node, entry lookups and server memory; BatchNew again, with the seeded
 * entries on the server.
 */
final class SystemRound {
  /** The harness's own workload: an entry for the caller's uid under each agent. */
  static final String WORKLOAD_PATH = "/workload";
  private static final Duration SVID_TIMEOUT = Duration.ofSeconds(120);
  /** Entry lookups of each kind timed, after as many untimed. */
  private static final int LOOKUPS = 20;

  private final Deployment deployment;
  private final Settings settings;
  private final Map<Figure, Double> figures = new EnumMap<>(Figure.class);

  /**
   * What a round does: the Go clients (go-spiffe for the Workload API, spire-api-sdk for MintX509SVID), entries
   * seeded for the server's memory, fetch calls, propagation samples, load seconds.
   */
  record Settings(Path goSpiffeClient, Path spireApiClient, int seedEntries, int fetchCalls, int propagationCount,
      int loadSeconds) {}

  private SystemRound(Deployment deployment, Settings settings) {
    this.deployment = deployment;
    this.settings = settings;
  }

  static Map<Figure, Double> run(Peer peer, Path work, Settings settings) {
    try (Deployment deployment = new Deployment(peer, work)) {
      SystemRound round = new SystemRound(deployment, settings);
      round.measure();
      return round.figures;
    }
  }

  private void measure() {
    figures.put(Figure.LOAD_AVERAGE, loadAverage());
    String name = deployment.peer().name();
    figures.put(Figure.SERVER_START, (double) deployment.startServer());
    settle(3);
    memory(deployment.server(), Figure.SERVER_RSS_IDLE, Figure.SERVER_PSS_IDLE);
    AdminApi admin = deployment.admin();
    String token = admin.joinToken();
    String agentPath = "/spire/agent/join_token/" + token;
    int uid = callerUid();
    admin.create(workloadAndOthers(agentPath, 100));
    log(name, "100 entries; starting the agent with a join token");

    String workloadId = AdminApi.id(WORKLOAD_PATH);
    try (WorkloadClient workload = new WorkloadClient(deployment.agentSocket())) {
      Daemon agent = deployment.startAgent(token);
      figures.put(Figure.AGENT_FIRST_SVID_JOIN, millisSince(agent, workload.awaitFirstSvid(workloadId, SVID_TIMEOUT,
          () -> alive(agent))));
      settle(5);
      memory(agent, Figure.AGENT_RSS_100, Figure.AGENT_PSS_100);
      log(name, "go-spiffe fetch load");
      GoSpiffeFetch fetch = GoSpiffeFetch.run(settings.goSpiffeClient(), deployment.agentSocket(), settings.fetchCalls(),
          4, settings.loadSeconds());
      figures.put(Figure.FETCH_P50, fetch.p50Micros());
      figures.put(Figure.FETCH_P99, fetch.p99Micros());
      figures.put(Figure.FETCH_RATE, fetch.fetchesPerSecond());

      deployment.stopAgent();
      Daemon restarted = deployment.startAgent(null);
      figures.put(Figure.AGENT_FIRST_SVID_STORED, millisSince(restarted, workload.awaitFirstSvid(workloadId,
          SVID_TIMEOUT, () -> alive(restarted))));
    }
    log(name, "propagation, " + settings.propagationCount() + " entries");
    try (WorkloadClient watcher = new WorkloadClient(deployment.agentSocket())) {
      double[] propagation = Propagation.millis(admin, watcher, agentPath, workloadId, uid, settings.propagationCount());
      figures.put(Figure.PROPAGATION_P50, Propagation.quantile(propagation, 0.50));
      figures.put(Figure.PROPAGATION_P99, Propagation.quantile(propagation, 0.99));
    }

    log(name, "1,000 entries");
    admin.create(otherUids(agentPath, 100, 1_000));
    // a second SVID for the caller, created last: once the workload sees it, the agent has synced the others
    admin.create(List.of(AdminApi.entry(agentPath, "/marker", "unix", "uid:" + uid)));
    try (WorkloadClient workload = new WorkloadClient(deployment.agentSocket())) {
      workload.awaitFirstSvid(AdminApi.id("/marker"), SVID_TIMEOUT, () -> alive(deployment.agent()));
    }
    settle(5);
    memory(deployment.agent(), Figure.AGENT_RSS_1000, Figure.AGENT_PSS_1000);

    log(name, "issuance");
    long serverPid = deployment.server().pid();
    MintLoad mint = MintLoad.measure(settings.spireApiClient(), deployment.adminSocket(), serverPid, 4,
        settings.loadSeconds());
    figures.put(Figure.MINT_RATE_COLD, mint.cold().perSecond());
    figures.put(Figure.MINT_CPU_COLD, mint.cold().serverCpuMicrosPerUnit());
    figures.put(Figure.MINT_RATE, mint.warm().perSecond());
    figures.put(Figure.MINT_CPU, mint.warm().serverCpuMicrosPerUnit());
    LoadAgent loadAgent = LoadAgent.attest(admin, deployment.port());
    BatchNewLoad batchNewLoad = BatchNewLoad.register(admin, loadAgent, 10);
    Throughput.Rate batchNew = batchNewLoad.perSecond(deployment.port(), serverPid, 4, settings.loadSeconds());
    figures.put(Figure.BATCH_NEW_RATE, batchNew.perSecond());
    figures.put(Figure.BATCH_NEW_CPU, batchNew.serverCpuMicrosPerUnit());
    Throughput.Rate handshakes = HandshakeLoad.perSecond(loadAgent, deployment.port(), serverPid, 2,
        settings.loadSeconds());
    figures.put(Figure.HANDSHAKE_RATE, handshakes.perSecond());
    figures.put(Figure.HANDSHAKE_CPU, handshakes.serverCpuMicrosPerUnit());
    log(name, "an agent's first sync of 1,000 entries");
    figures.put(Figure.AGENT_SYNC_1000, AgentSyncLoad.firstSyncMillis(admin, deployment.port(), 1_000));

    log(name, "CLI");
    figures.put(Figure.CLI_AGENT_LIST, medianOf(3, () -> deployment.cliMillis("agent", "list")));
    figures.put(Figure.CLI_ENTRY_SHOW, medianOf(3, () -> deployment.cliMillis("entry", "show", "-spiffeID", workloadId)));

    log(name, "seeding " + settings.seedEntries() + " entries");
    List<Entry> seeded = new ArrayList<>();
    for (int i = 0; i < settings.seedEntries(); i++) {
      seeded.add(AdminApi.entry("/seed-node", "/seeded/" + i, "unix", "uid:" + (100_000 + i)));
    }
    long start = System.nanoTime();
    admin.create(seeded);
    figures.put(Figure.SEED_RATE, settings.seedEntries() / ((System.nanoTime() - start) / 1e9));
    if (settings.seedEntries() > 0) {
      String selector = "uid:" + (100_000 + settings.seedEntries() / 2);
      // warmed up as Throughput warms up its loads: a JVM server's first calls of a kind run before C2 compiled them
      medianOf(LOOKUPS, () -> millis(() -> admin.countBySelector("unix", selector)));
      figures.put(Figure.LOOKUP_BY_SELECTOR, medianOf(LOOKUPS, () -> millis(() -> admin.countBySelector("unix", selector))));
      medianOf(LOOKUPS, () -> millis(() -> admin.countByParent(agentPath)));
      figures.put(Figure.LOOKUP_BY_PARENT, medianOf(LOOKUPS, () -> millis(() -> admin.countByParent(agentPath))));
    }
    settle(5);
    memory(deployment.server(), Figure.SERVER_RSS_SEEDED, Figure.SERVER_PSS_SEEDED);

    log(name, "issuance with the seeded entries");
    Throughput.Rate batchNewSeeded = batchNewLoad.perSecond(deployment.port(), serverPid, 4, settings.loadSeconds());
    figures.put(Figure.BATCH_NEW_RATE_SEEDED, batchNewSeeded.perSecond());
    figures.put(Figure.BATCH_NEW_CPU_SEEDED, batchNewSeeded.serverCpuMicrosPerUnit());
  }

  /** The workload's entry ({@link #WORKLOAD_PATH}, the caller's uid) and {@code count - 1} entries of other uids. */
  static List<Entry> workloadAndOthers(String agentPath, int count) {
    List<Entry> entries = new ArrayList<>(List.of(AdminApi.entry(agentPath, WORKLOAD_PATH, "unix",
        "uid:" + callerUid())));
    entries.addAll(otherUids(agentPath, 1, count));
    return entries;
  }

  static List<Entry> otherUids(String agentPath, int from, int to) {
    List<Entry> entries = new ArrayList<>();
    for (int i = from; i < to; i++) {
      entries.add(AdminApi.entry(agentPath, "/sync/" + i, "unix", "uid:" + (10_000 + i)));
    }
    return entries;
  }

  private void memory(Daemon daemon, Figure rss, Figure pss) {
    ProcessMemory memory = daemon.memory();
    figures.put(rss, memory.rssMb());
    figures.put(pss, memory.pssMb());
  }

  static boolean alive(Daemon daemon) {
    daemon.requireAlive();
    return true;
  }

  static double millisSince(Daemon daemon, long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos - daemon.startedNanos());
  }

  static double medianOf(int calls, DoubleSupplier call) {
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      times.add(call.getAsDouble());
    }
    return ResultTable.median(times);
  }

  private static double millis(Runnable call) {
    long start = System.nanoTime();
    call.run();
    return (System.nanoTime() - start) / 1e6;
  }

  static void settle(int seconds) {
    try {
      Thread.sleep(Duration.ofSeconds(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int callerUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void log(String system, String step) {
    System.err.printf("[%tT] %s: %s%n", System.currentTimeMillis(), system, step);
  }
}
