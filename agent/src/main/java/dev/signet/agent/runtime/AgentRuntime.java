package dev.signet.agent.runtime;

import dev.signet.common.crypto.CryptoProviders;
import dev.signet.agent.admin.AdminApiServer;
import dev.signet.agent.admin.AgentInfo;
import dev.signet.agent.admin.DebugService;
import dev.signet.agent.admin.DelegatedIdentityService;
import dev.signet.agent.admin.LoggerService;
import dev.signet.agent.config.AgentConfig;
import dev.signet.agent.health.HealthHttpServer;
import dev.signet.agent.state.AgentStateStore;
import dev.signet.agent.sync.EntrySynchronizer;
import dev.signet.agent.sync.PushWatcher;
import dev.signet.agent.sync.ServerApi;
import dev.signet.agent.sync.ServerJwtSvidSource;
import dev.signet.agent.sync.StoredSvids;
import dev.signet.agent.sds.SecretDiscoveryService;
import dev.signet.agent.workload.CallerAttestor;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.WorkloadApiServer;
import dev.signet.agent.workload.WorkloadApiService;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.attestors.node.AgentNodeAttestorDependencies;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.attestors.workload.WorkloadAttestorDependencies;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.files.DataDirPermissions;
import dev.signet.common.lifecycle.Lifecycle;
import dev.signet.common.telemetry.Metrics;
import dev.signet.common.telemetry.Telemetry;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: its identity (attested or resumed), the mTLS connection to the server, the sync loop
 * fed by push signals and the {@code sync_interval} timer, and the Workload API socket. Everything the
 * agent does after start-up runs on one scheduler thread, so sync, renewal and re-attestation never
 * race each other.
 */
public final class AgentRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

  private final AgentConfig config;
  private final Clock clock;
  private final CompletableFuture<String> stopped = new CompletableFuture<>();
  /** Everything started, closed in reverse: listeners, push stream, sync loop, server connection, health. */
  private final Lifecycle lifecycle;
  // Written while starting, read by the health, Debug API and Workload API threads: published volatile.
  private volatile AgentIdentity identity;
  private volatile WorkloadIdentityCache cache;
  private volatile SyncLoop loop;
  private volatile WorkloadApiServer workloadApi;
  private volatile JwtSvidCache jwtSvids;
  private volatile AdminApiServer adminApi;
  private volatile Telemetry telemetry;
  private final Instant startedAt;

  private AgentRuntime(AgentConfig config, Clock clock, Lifecycle.Listener closing) {
    this.config = config;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.lifecycle = new Lifecycle("signet-agent", Lifecycle.DEFAULT_DEADLINE, closing);
    lifecycle.pushStep("stopped signal", d -> stopped.complete("closed"));
  }

  /**
   * Attests (or resumes), syncs once, and serves the Workload API: after that sync, or, for an agent that resumed
   * its stored identity and kept workload SVIDs ({@link StoredSvids}), from before it. Returns once the first sync
   * is done either way.
   */
  public static AgentRuntime start(AgentConfig config, Clock clock) throws IOException {
    return start(config, clock, name -> {});
  }

  /** As {@link #start(AgentConfig, Clock)}, telling {@code closing} each resource as its closing begins (tests). */
  static AgentRuntime start(AgentConfig config, Clock clock, Lifecycle.Listener closing) throws IOException {
    // before anything makes a key or signs: the provider is chosen once, logged, and may refuse to start
    CryptoProviders.install(config.cryptoProvider());
    AgentRuntime runtime = new AgentRuntime(config, clock, closing);
    try {
      runtime.startUp();
    } catch (IOException | RuntimeException e) {
      runtime.lifecycle.closeAfter(e);
      throw e;
    }
    return runtime;
  }

  private void startUp() throws IOException {
    new DataDirPermissions("agent", config.allowInsecureDataDirPermissions())
        .prepare(config.dataDir(), AgentStateStore.secretFiles(config.dataDir()));
    List<WorkloadAttestor> attestors = workloadAttestors();
    // Metrics.NONE without telemetry { Prometheus {} }: then no metrics class is loaded at all.
    telemetry = lifecycle.push("telemetry",
        Telemetry.start(config.telemetry(), "spire_agent", config.trustDomain().toString()));
    Metrics metrics = telemetry.metrics();
    if (config.healthChecks() != null) {
      // Up first, so an orchestrator sees "live, not ready" while the agent attests and syncs.
      lifecycle.push("health checks", HealthHttpServer.start(config.healthChecks(), this::health));
    }
    // As SPIRE: the agent SVID and bundle live in data_dir; with KeyManager "memory" nothing survives a restart.
    AgentStateStore store = config.keyManager().create(config.dataDir());
    identity = new AgentIdentity(config.serverAddress(), config.serverPort(), config.trustDomain(), store,
        config.insecureBootstrap(), clock, metrics);
    Optional<Bundle> bootstrap = BootstrapBundle.load(config);
    boolean attested = identity.establish(bootstrap, nodeAttestor());
    ServerApi api = lifecycle.push("server connection", new ServerApi(identity.connect(), CALL_DEADLINE));
    // Sync, renewal and push reconnection run here; awaited before the connection they use closes.
    ScheduledExecutorService scheduler = lifecycle.pushExecutor("sync loop",
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread thread = new Thread(r, "signet-agent-sync");
          thread.setDaemon(true);
          return thread;
        }));
    jwtSvids = new JwtSvidCache(new ServerJwtSvidSource(api), clock,
        orDefault(config.jwtSvidCacheMaxSize(), JwtSvidCache.DEFAULT_MAX_SIZE));
    cache = new WorkloadIdentityCache(IdentitySnapshot.empty(Bundle.ofX509(config.trustDomain(),
        identity.state().bundle())));
    StoredSvids stored = new StoredSvids(store.svidCacheFile(), () -> identity.state().agentId());
    EntrySynchronizer synchronizer = new EntrySynchronizer(api, config.trustDomain(), cache, jwtSvids,
        config.workloadKeyType(), clock,
        orDefault(config.x509SvidCacheMaxSize(), EntrySynchronizer.DEFAULT_X509_SVID_CACHE_MAX_SIZE), stored);
    loop = new SyncLoop(synchronizer, identity, api, config.syncInterval(), scheduler, clock, this::stop,
        this::reattestor, metrics);
    if (metrics.enabled()) {
      metrics.gauge("lru_cache_record_map_size",
          () -> cache.current().identities().size() + cache.current().pending().size());
      metrics.gauge("lru_cache_svid_map_size", () -> cache.current().identities().size());
      metrics.gauge("jwt_svid_cache_size", () -> jwtSvids.size());
    }
    cache.onDemand(loop::syncSoon); // a workload matched an entry beyond x509_svid_cache_max_size
    CallerAttestor callers = new CallerAttestor(LinuxProcFs.system(), attestors, metrics);
    // Resumed on a stored identity: serve the SVIDs the last run held (still valid, this agent's) at once, and
    // let the first sync, run right after, revoke what was deleted meanwhile (see StoredSvids). Otherwise the
    // socket opens after the first sync, as SPIRE's does, so no workload is told it has no identity yet.
    int restored = attested ? 0 : synchronizer.restore();
    // The first sync starts at once, on the sync thread as every later one (a workload served meanwhile may ask for
    // one); with stored SVIDs the sockets open while it runs, so it is not delayed by their start.
    Future<?> firstSync = scheduler.submit(loop::syncOnce);
    if (restored > 0) {
      serveWorkloadApi(callers, " (" + restored + " stored x509-svids, before the first sync)");
    }
    await(firstSync);
    if (stopped.isDone()) {
      // banned (or no longer accepted) at start-up: nothing is served, the launcher reports why and exits
      if (workloadApi != null) {
        workloadApi.setServing(false);
      }
      if (adminApi != null) {
        adminApi.setServing(false);
      }
      return;
    }
    if (restored == 0) {
      serveWorkloadApi(callers, "");
    }
    loop.start();
    PushWatcher push = new PushWatcher(api, loop::syncSoon, scheduler);
    lifecycle.pushStep("push stream", d -> push.stop());
    push.start();
  }

  /** Opens the Workload API socket (and the admin socket, when configured): from here workloads are served. */
  private void serveWorkloadApi(CallerAttestor callers, String detail) throws IOException {
    WorkloadApiService service = lifecycle.push("workload api handlers",
        new WorkloadApiService(cache, callers, jwtSvids, clock));
    workloadApi = lifecycle.push("workload api",
        WorkloadApiServer.start(config.socketPath(), service, config.workloadApiMaxCallsPerUid(),
            new SecretDiscoveryService(config.sds(), cache, callers), telemetry.metrics()));
    if (config.adminSocketPath() != null) {
      adminApi = lifecycle.push("admin api", AdminApiServer.start(config.adminSocketPath(),
          new DelegatedIdentityService(cache, callers, jwtSvids, config.authorizedDelegates()),
          new DebugService(info(), clock), LoggerService.forRootLogger(config.logLevel())));
    }
    LOG.info("agent {} serving the workload api on {}{}", identity.state().agentId(), config.socketPath(), detail);
  }

  /** Waits for the first sync (which handles its own failures; an Error or a bug is rethrown here). */
  private static void await(Future<?> firstSync) {
    try {
      firstSync.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the first sync", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("first sync failed", e.getCause());
    }
  }

  /** As SPIRE: a cache size of 0 means the default. */
  private static int orDefault(int configured, int defaultSize) {
    return configured > 0 ? configured : defaultSize;
  }

  private List<WorkloadAttestor> workloadAttestors() {
    WorkloadAttestorDependencies host = WorkloadAttestorDependencies.system();
    return config.workloadAttestors().stream().map(plugin -> plugin.create(host)).toList();
  }

  /** A new client of the configured node attestor; null when it has no evidence (join_token without a token). */
  private NodeAttestorClient nodeAttestor() {
    return config.nodeAttestor().create(new AgentNodeAttestorDependencies(Optional.ofNullable(config.joinToken())))
        .orElse(null);
  }

  /**
   * The attestor to re-attest with, for agents the server lets re-attest (the server's verdict, kept in the
   * agent state, is checked first). Never one whose evidence cannot prove the node again: a join token is
   * used up, and SPIRE's trust-on-first-use attestors would only be refused as already used.
   */
  private Optional<NodeAttestorClient> reattestor() {
    return config.nodeAttestor().singleUse() ? Optional.empty()
        : Optional.ofNullable(nodeAttestor());
  }

  /** What the Debug API reports, read live from the identity, the sync loop and the caches. */
  AgentInfo info() {
    return new AgentInfo() {
      @Override
      public List<X509Certificate> agentSvidChain() {
        return identity == null || identity.state() == null ? List.of() : identity.state().svidChain();
      }

      @Override
      public Instant startedAt() {
        return startedAt;
      }

      @Override
      public Optional<Instant> lastSyncSuccess() {
        return loop == null ? Optional.empty() : Optional.ofNullable(loop.lastSuccess());
      }

      @Override
      public int cachedX509Svids() {
        return cache == null ? 0 : cache.current().identities().size();
      }

      @Override
      public int cachedJwtSvids() {
        return jwtSvids == null ? 0 : jwtSvids.size();
      }

      @Override
      public boolean running() {
        return !stopped.isDone();
      }
    };
  }

  /**
   * Live while not stopped; ready after the first successful sync, while the agent SVID is valid and while the
   * sync is not stale ({@link SyncHealth}: no successful sync for three sync intervals, at least a minute). A
   * stale sync leaves the agent live and serving its cached SVIDs: only readiness reports it.
   */
  HealthHttpServer.Status health() {
    boolean live = !stopped.isDone();
    Instant now = clock.instant();
    String reason = null;
    if (!live) {
      reason = "agent stopped";
    } else if (identity == null || identity.state() == null) {
      reason = "agent has no svid yet";
    } else if (loop == null || loop.lastSuccess() == null) {
      reason = "agent has not synced with the server yet";
    } else if (!now.isBefore(identity.expiresAt())) {
      // on this host's clock, from receipt when the clocks of agent and server disagree (LocalValidity)
      reason = "agent svid is not valid now (valid until " + identity.expiresAt() + ")";
    } else {
      reason = loop.health().staleReason(now).orElse(null);
    }
    return new HealthHttpServer.Status(live, reason == null, reason);
  }

  /** The port of the telemetry's Prometheus listener, or -1 when there is none. */
  public int metricsPort() {
    Telemetry running = telemetry;
    return running == null || running.address() == null ? -1 : running.address().getPort();
  }

  /** The cache the Workload API serves from (for tests and the admin API). */
  public WorkloadIdentityCache cache() {
    return cache;
  }

  /** Completes with the reason when the agent stops by itself (banned, evicted without re-attestation). */
  public CompletableFuture<String> stopped() {
    return stopped;
  }

  private void stop(String reason) {
    LOG.error("agent stopping: {}", reason);
    if (workloadApi != null) {
      workloadApi.setServing(false);
    }
    if (adminApi != null) {
      adminApi.setServing(false);
    }
    cache.update(IdentitySnapshot.empty(cache.current().bundle()));
    stopped.complete(reason);
  }

  /**
   * Stops everything in the reverse of the order it started: the listeners (open streams cancelled), the
   * push stream, the sync loop (a sync in progress finishes, or is interrupted after the deadline, before
   * the server connection it uses closes), the connection, and last the health listener. Every resource is
   * closed even when an earlier one fails; the failures are logged and thrown together.
   */
  @Override
  public void close() {
    lifecycle.close();
  }
}
