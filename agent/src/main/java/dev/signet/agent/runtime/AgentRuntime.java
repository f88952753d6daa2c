package dev.signet.agent.runtime;

import dev.signet.agent.config.AgentConfig;
import dev.signet.agent.state.AgentStateStore;
import dev.signet.agent.sync.EntrySynchronizer;
import dev.signet.agent.sync.PushWatcher;
import dev.signet.agent.sync.ServerApi;
import dev.signet.agent.sync.ServerJwtSvidSource;
import dev.signet.agent.workload.CallerAttestor;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.WorkloadApiServer;
import dev.signet.agent.workload.WorkloadApiService;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.attestors.node.jointoken.JoinTokenAttestorClient;
import dev.signet.attestors.workload.BuiltInWorkloadAttestors;
import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.config.ConfigException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
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
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "signet-agent-sync");
    thread.setDaemon(true);
    return thread;
  });
  private final CompletableFuture<String> stopped = new CompletableFuture<>();
  private AgentIdentity identity;
  private ServerApi api;
  private WorkloadIdentityCache cache;
  private SyncLoop loop;
  private PushWatcher push;
  private WorkloadApiServer workloadApi;

  private AgentRuntime(AgentConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Attests (or resumes), syncs once, and starts serving the Workload API. */
  public static AgentRuntime start(AgentConfig config, Clock clock) throws IOException {
    AgentRuntime runtime = new AgentRuntime(config, clock);
    try {
      runtime.startUp();
    } catch (IOException | RuntimeException e) {
      runtime.close();
      throw e;
    }
    return runtime;
  }

  private void startUp() throws IOException {
    List<WorkloadAttestor> attestors = workloadAttestors();
    // As SPIRE: the agent SVID and bundle live in data_dir; with KeyManager "memory" nothing survives a restart.
    AgentStateStore store = config.keyManager().equals("disk")
        ? AgentStateStore.disk(config.dataDir()) : AgentStateStore.memory();
    identity = new AgentIdentity(config.serverAddress(), config.serverPort(), config.trustDomain(), store,
        config.insecureBootstrap(), clock);
    Optional<Bundle> bootstrap = BootstrapBundle.load(config);
    identity.establish(bootstrap, nodeAttestor());
    api = new ServerApi(identity.connect(), CALL_DEADLINE);
    JwtSvidCache jwtSvids = new JwtSvidCache(new ServerJwtSvidSource(api), clock);
    cache = new WorkloadIdentityCache(IdentitySnapshot.empty(Bundle.ofX509(config.trustDomain(),
        identity.state().bundle())));
    EntrySynchronizer synchronizer = new EntrySynchronizer(api, config.trustDomain(), cache, jwtSvids,
        config.workloadKeyType(), clock);
    loop = new SyncLoop(synchronizer, identity, api, config.syncInterval(), scheduler, clock, this::stop,
        this::reattestor);
    loop.syncOnce();
    WorkloadApiService service = new WorkloadApiService(cache, new CallerAttestor(LinuxProcFs.system(), attestors),
        jwtSvids, clock);
    workloadApi = WorkloadApiServer.start(config.socketPath(), service);
    loop.start();
    push = new PushWatcher(api, loop::syncSoon, scheduler);
    push.start();
    LOG.info("agent {} serving the workload api on {}", identity.state().agentId(), config.socketPath());
  }

  private List<WorkloadAttestor> workloadAttestors() {
    BuiltInWorkloadAttestors builtIns = BuiltInWorkloadAttestors.system();
    return config.workloadAttestors().stream().map(builtIns::create).toList();
  }

  private NodeAttestorClient nodeAttestor() {
    return switch (config.nodeAttestor().name()) {
      case "join_token" -> config.joinToken() == null ? null : new JoinTokenAttestorClient(config.joinToken());
      default -> throw new ConfigException("NodeAttestor \"" + config.nodeAttestor().name()
          + "\" has no agent half in signet yet");
    };
  }

  /** The attestor to re-attest with, for agents the server lets re-attest; join tokens cannot. */
  private Optional<NodeAttestorClient> reattestor() {
    return config.nodeAttestor().name().equals("join_token") ? Optional.empty() : Optional.ofNullable(nodeAttestor());
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
    cache.update(IdentitySnapshot.empty(cache.current().bundle()));
    stopped.complete(reason);
  }

  @Override
  public void close() {
    if (push != null) {
      push.stop();
    }
    scheduler.shutdownNow();
    if (workloadApi != null) {
      workloadApi.close();
    }
    if (api != null) {
      api.close();
    }
    stopped.complete("closed");
  }
}
