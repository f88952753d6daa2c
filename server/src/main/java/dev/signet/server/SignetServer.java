package dev.signet.server;

import dev.signet.common.crypto.CryptoProviders;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.ca.keymanager.KeyManager;
import dev.signet.ca.manager.CaConfig;
import dev.signet.ca.manager.CaManager;
import dev.signet.ca.upstream.UpstreamAuthority;
import dev.signet.common.files.DataDirPermissions;
import dev.signet.common.lifecycle.Lifecycle;
import dev.signet.common.lifecycle.LifecycleException;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.EventTail;
import dev.signet.datastore.sql.SqlDataStore;
import dev.signet.server.access.AccessApiContext;
import dev.signet.server.access.AccessApiServer;
import dev.signet.server.access.AccessMetrics;
import dev.signet.common.telemetry.Metrics;
import dev.signet.common.telemetry.Telemetry;
import dev.signet.server.telemetry.CaMetrics;
import dev.signet.server.telemetry.MeteredDataStore;
import dev.signet.server.telemetry.NodeAttestationMetrics;
import dev.signet.server.trust.TrustScorer;
import dev.signet.server.api.agent.AgentLifecycleListener;
import dev.signet.server.audit.AuditInterceptor;
import dev.signet.server.audit.AuditedEvents;
import dev.signet.server.audit.AuditKey;
import dev.signet.server.audit.AuditTrail;
import dev.signet.server.audit.DataStoreAuditAnchor;
import dev.signet.server.policy.PolicyStore;
import dev.signet.server.api.agent.AgentService;
import dev.signet.server.api.bundle.BundleService;
import dev.signet.server.api.debug.DebugService;
import dev.signet.server.api.entry.EntryService;
import dev.signet.server.api.localauthority.LocalAuthorityService;
import dev.signet.server.api.logger.LoggerService;
import dev.signet.server.api.svid.SvidService;
import dev.signet.server.api.trustdomain.TrustDomainService;
import dev.signet.server.authz.AgentAuthorizer;
import dev.signet.server.authz.AuthorizationInterceptor;
import dev.signet.server.bundle.TrustBundles;
import dev.signet.server.ca.DataStoreJournal;
import dev.signet.server.ca.ServerSvid;
import dev.signet.server.ca.SvidIssuer;
import dev.signet.server.config.ServerConfig;
import dev.signet.server.endpoint.Endpoints;
import dev.signet.common.process.FatalErrors;
import dev.signet.server.endpoint.PeerSvidTrustManager;
import dev.signet.server.endpoint.ServerTlsContexts;
import dev.signet.server.entrycache.EntryCache;
import dev.signet.server.health.HealthListener;
import dev.signet.server.push.EntryPushService;
import dev.signet.server.bundle.BundlePruner;
import dev.signet.server.federation.BundleEndpointClient;
import dev.signet.server.federation.BundleEndpointServer;
import dev.signet.server.federation.ConfiguredRelationships;
import dev.signet.server.federation.FederatedBundleRefresher;
import dev.signet.server.federation.WebPkiTrust;
import dev.signet.server.ratelimit.PerKeyRateLimiter;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the composition root that builds the datastore, CA, caches and API services from a
 * checked {@link ServerConfig}, starts the TCP and admin endpoints, and runs the background work (CA
 * rotation, server SVID renewal, datastore change polling for servers sharing a database).
 */
public final class SignetServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SignetServer.class);
  private static final Duration ROTATION_CHECK = Duration.ofSeconds(10);
  private static final Duration EVENT_POLL = Duration.ofSeconds(1);
  /**
   * The fallback poll period on a database other servers may share (PostgreSQL). A change made through another
   * server wakes this one at once through PostgreSQL's {@code LISTEN/NOTIFY} ({@link EventTail}); the poll only
   * bounds the delay when a notification is lost (the listener's connection broke and is being re-opened), and 5 s
   * is SPIRE's own default period for re-reading its event tables ({@code cache_reload_interval}).
   */
  private static final Duration SHARED_EVENT_POLL = Duration.ofSeconds(5);
  private static final Duration FEDERATION_CHECK = Duration.ofSeconds(10);
  private static final Duration POLICY_CHECK = Duration.ofSeconds(1);

  private final ServerConfig config;
  private final Clock clock;
  private final Tuning tuning;
  /** Everything started, closed in reverse: listeners, then background work, then the CA's stores. */
  private final Lifecycle lifecycle;
  // Written while starting, read by the health and API threads and by embedding code: published volatile.
  private volatile DataStore dataStore;
  private volatile CaManager ca;
  private volatile Endpoints endpoints;
  private volatile HealthListener healthListener;
  private volatile AccessApiServer accessApi;
  private volatile BundleEndpointServer bundleEndpoint;
  private volatile AuditTrail audit;
  private volatile Telemetry telemetry;

  /**
   * What tests of the shutdown change: the periods of the background loops, a wrapper around the
   * datastore, and the lifecycle's deadline and listener. {@link #DEFAULT} is what {@code run} uses.
   */
  record Tuning(Duration rotationCheck, Duration eventPoll, UnaryOperator<DataStore> dataStore,
      Duration closeDeadline, Lifecycle.Listener closing) {
    static final Tuning DEFAULT = new Tuning(ROTATION_CHECK, EVENT_POLL, UnaryOperator.identity(),
        Lifecycle.DEFAULT_DEADLINE, name -> {});
  }

  private SignetServer(ServerConfig config, Clock clock, Tuning tuning) {
    this.config = config;
    this.clock = clock;
    this.tuning = tuning;
    this.lifecycle = new Lifecycle("signet-server", tuning.closeDeadline(), tuning.closing());
  }

  /** Builds and starts a server; on failure everything already started is stopped again. */
  public static SignetServer start(ServerConfig config, Clock clock) throws IOException {
    return start(config, clock, Tuning.DEFAULT);
  }

  static SignetServer start(ServerConfig config, Clock clock, Tuning tuning) throws IOException {
    // before anything makes a key or signs: the provider is chosen once, logged, and may refuse to start
    CryptoProviders.install(config.cryptoProvider());
    SignetServer server = new SignetServer(config, clock, tuning);
    try {
      server.startUp();
    } catch (IOException | RuntimeException e) {
      server.lifecycle.closeAfter(e);
      throw e;
    }
    return server;
  }

  private static ScheduledExecutorService singleThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, name);
      thread.setDaemon(true);
      return thread;
    });
  }

  private void startUp() throws IOException {
    new DataDirPermissions("server", config.allowInsecureDataDirPermissions()).prepare(config.dataDir(), secretFiles());
    SpiffeId serverId = config.serverId();
    // Closed last of all, so the listener answers until everything it measures has stopped.
    telemetry = lifecycle.push("telemetry",
        Telemetry.start(config.telemetry(), "spire_server", config.trustDomain().toString()));
    Metrics metrics = telemetry.metrics();
    dataStore = lifecycle.push("datastore", MeteredDataStore.of(
        tuning.dataStore().apply(SqlDataStore.open(config.dataStore(), config.dataDir(), clock)), metrics));
    TrustBundles bundles = new TrustBundles(dataStore, config.trustDomain());
    ca = new CaManager(new CaConfig(config.trustDomain(), config.caSubject().toX500Name(), config.caKeyType(),
        config.jwtKeyType(), config.caTtl()), keyManager(), upstream(), DataStoreJournal.forServer(dataStore, config.dataDir()),
        bundles::updateOwn, clock);
    ca.rotate();
    CaMetrics caMetrics = new CaMetrics(ca, metrics, config.trustDomain().toString());
    caMetrics.observe();
    SvidIssuer issuer = new SvidIssuer(ca, clock, config.defaultX509SvidTtl(), config.defaultJwtSvidTtl(),
        config.agentTtl(), config.jwtIssuer(), metrics);
    ServerSvid serverSvid = new ServerSvid(issuer, serverId, config.defaultX509SvidTtl(), clock);
    EntryCache entryCache = new EntryCache(dataStore, serverId);
    EntryPushService push = new EntryPushService();
    entryCache.addListener(push::entriesChanged);
    bundles.addListener(bundle -> push.bundleChanged());

    TrustScorer trust = new TrustScorer(dataStore, clock);
    AuditKey auditKey = AuditKey.loadOrCreate(config.dataDir().resolve(AuditKey.FILE_NAME));
    audit = lifecycle.push("audit trail",
        AuditTrail.open(config.audit().path(), auditKey, new DataStoreAuditAnchor(dataStore, auditKey), clock));
    AuditedEvents audited = new AuditedEvents(audit);
    AccessMetrics accessMetrics = new AccessMetrics();
    accessMetrics.auditTrail(audit::headSeq, audit::anchoredSeq);
    Map<String, NodeAttestor> attestors = NodeAttestors.create(config.nodeAttestors(), dataStore, bundles, clock);
    ConfiguredRelationships.apply(dataStore, config.trustDomain(), config.federation().federatesWith());
    FederatedBundleRefresher federatedBundles = new FederatedBundleRefresher(dataStore, bundles,
        new BundleEndpointClient(bundles::bundleFor, WebPkiTrust.lazily(System.getenv()), clock), clock);
    HealthStatusManager health = new HealthStatusManager();
    // gRPC calls run here; this server supplies the executor, so it shuts it down (after the listeners).
    ExecutorService callExecutor = lifecycle.pushExecutor("grpc call executor",
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("signet-server-call-", 0).factory()));
    List<BindableService> services = List.of(
        new AgentService(config.trustDomain(), dataStore, issuer, attestors, entryCache,
            config.attestationRateLimit() ? new PerKeyRateLimiter(1, clock) : null, callExecutor, clock,
            AgentLifecycleListener.both(audited, AgentLifecycleListener.both(accessMetrics,
                AgentLifecycleListener.both(new NodeAttestationMetrics(metrics), trust.history())))),
        new EntryService(config.trustDomain(), dataStore, entryCache, clock),
        new BundleService(config.trustDomain(), bundles, dataStore, entryCache, ca::publishJwtAuthority),
        new SvidService(config.trustDomain(), dataStore, issuer, entryCache,
            config.signingRateLimit() ? new PerKeyRateLimiter(500, clock) : null, clock,
            audited.andThen(accessMetrics).andThen(trust.issued()), bundles::own),
        new TrustDomainService(config.trustDomain(), dataStore, bundles, federatedBundles),
        new LocalAuthorityService(ca),
        new LoggerService(),
        new DebugService(serverSvid.keyManager(), dataStore, bundles, clock),
        push,
        health.getHealthService());
    AuthorizationInterceptor authorization = new AuthorizationInterceptor(
        new AgentAuthorizer(dataStore, clock, trust.history()::seen),
        id -> config.adminIds().contains(id) || entryCache.index().isAdmin(id),
        id -> entryCache.index().isDownstream(id));
    endpoints = lifecycle.push("grpc endpoints", new Endpoints());
    endpoints.start(new InetSocketAddress(config.bindAddress(), config.bindPort()), config.socketPath(),
        serverSvid.keyManager(), new PeerSvidTrustManager(bundles, clock), services, authorization,
        new AuditInterceptor(audit, config.audit().failClosed()), callExecutor, metrics);
    health.setStatus("", ServingStatus.SERVING);
    lifecycle.pushStep("health status", d -> health.enterTerminalState());
    lifecycle.pushStep("entry push streams", d -> push.closeAll()); // open streams would hold the endpoints' grace

    // The loops write to the datastore, the CA journal and the audit trail: closed, and awaited, before them.
    ScheduledExecutorService background = lifecycle.pushExecutor("background loops",
        singleThread("signet-server-background"));
    // Bundle endpoint fetches may block for their timeout, so they do not share the CA's thread.
    ScheduledExecutorService federation = lifecycle.pushExecutor("federation loop",
        singleThread("signet-server-federation"));
    background.scheduleWithFixedDelay(guard("ca rotation", () -> {
      if (ca.rotate()) {
        auditRotation();
      }
      caMetrics.observe();
      serverSvid.renewIfDue(issuer.activeAuthorityCertificate());
    }), tuning.rotationCheck().toMillis(), tuning.rotationCheck().toMillis(), TimeUnit.MILLISECONDS);
    background.scheduleWithFixedDelay(guard("audit anchor", () -> {
      try {
        audit.anchorNow();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }), AuditTrail.ANCHOR_INTERVAL.toMillis(), AuditTrail.ANCHOR_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    // Another server sharing the database changed entries or bundles (its new CA): its commit's notification wakes
    // this read, and this server's agents hear of it through their push streams. Closed before the loops' executor.
    Duration eventPoll = sharedDatabase() && tuning.eventPoll().equals(EVENT_POLL) ? SHARED_EVENT_POLL : tuning.eventPoll();
    lifecycle.push("datastore event tail", EventTail.start(dataStore, background, eventPoll, () -> {
      if (entryCache.pollEvents()) {
        bundles.reloadChanged();
      }
    }));
    BundlePruner pruner = new BundlePruner(bundles, clock);
    background.scheduleWithFixedDelay(guard("bundle pruning", pruner::pruneOwn), tuning.rotationCheck().toMillis(),
        BundlePruner.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    federation.scheduleWithFixedDelay(guard("federated bundle refresh", federatedBundles::refreshDue),
        FEDERATION_CHECK.toMillis(), FEDERATION_CHECK.toMillis(), TimeUnit.MILLISECONDS);

    if (config.accessApi() != null) {
      PolicyStore policies = config.accessApi().policyDir() == null ? null
          : lifecycle.push("policy watcher", PolicyStore.watch(config.accessApi().policyDir(), POLICY_CHECK.toMillis()));
      trust.onScored(accessMetrics::trustScore);
      List<SpiffeId> accessAdmins = new ArrayList<>(config.accessApi().adminIds());
      accessAdmins.addAll(config.adminIds());
      accessApi = lifecycle.push("access api", AccessApiServer.start(config.accessApi(), new AccessApiContext(dataStore, bundles, ca, audit,
          config.audit().failClosed(), policies == null ? PolicyStore.none() : policies, trust, accessMetrics, accessAdmins,
          this::ready, config.accessApi().tls()
              ? ServerTlsContexts.of(serverSvid.keyManager(), new PeerSvidTrustManager(bundles, clock)) : null, clock)));
    }
    if (config.federation().bundleEndpoint() != null) {
      bundleEndpoint = lifecycle.push("bundle endpoint", BundleEndpointServer.start(
          config.federation().bundleEndpoint(), bundles::own, serverSvid.keyManager(), federation, config.dataDir(),
          WebPkiTrust.lazily(System.getenv()), clock));
    }
    if (config.healthChecks() != null) {
      var settings = config.healthChecks();
      healthListener = lifecycle.push("health listener", HealthListener.start(settings.bindAddress(),
          settings.bindPort(), settings.livePath(), settings.readyPath(), () -> true, this::ready));
    }
    LOG.info("signet-server {} listening on {}:{} and {}", config.trustDomain(), config.bindAddress(),
        endpoints.tcpPort(), config.socketPath());
  }

  /**
   * The files whose mode the start-up check judges: the embedded datastore's files (entries, nodes,
   * join-token hashes, the CA journal: {@code datastore.sqlite3} and its write-ahead log by default) and the
   * disk key manager's {@code keys_path} (the CA's private keys), wherever they are configured to live.
   */
  private List<Path> secretFiles() {
    List<Path> files = new ArrayList<>();
    files.addAll(SqlDataStore.embeddedStoreFiles(config.dataStore(), config.dataDir()));
    if (config.keysPath().isPresent()) {
      files.add(config.keysPath().get());
    }
    files.add(config.dataDir().resolve(AuditKey.FILE_NAME)); // whoever reads it can forge the trail's MACs
    return files;
  }

  /** Whether other servers may write to this server's database (only the embedded ones are private). */
  private boolean sharedDatabase() {
    return config.dataStore().databaseType() == dev.signet.datastore.sql.DatabaseType.POSTGRES;
  }

  /** Ready to serve: an active CA and a datastore that answers. */
  private boolean ready() {
    try {
      dataStore.latestEventId();
      return ca.currentX509Authority() != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * The scheduled CA rotation changed an authority's state: a record, as for rotations through the API,
   * forced and anchored. Nobody acknowledges a scheduled rotation, so a record that cannot be written is
   * owed by the trail ({@link AuditTrail#appendOutcome}): written before any later record, every write
   * failing until it is, which under fail-closed refuses every other change meanwhile.
   */
  private void auditRotation() {
    String states = ca.x509AuthorityStates().stream().map(a -> a.authorityId() + "=" + a.status())
        .collect(java.util.stream.Collectors.joining(" "));
    try {
      audit.appendOutcome("signet-server", "ca.rotate", "ok", "scheduled rotation; x509 authorities " + states, "");
    } catch (IOException e) {
      LOG.error("audit record of the scheduled CA rotation not written to {}; the trail owes it", audit.file(), e);
    }
  }

  private KeyManager keyManager() {
    return config.keyManager().create(null);
  }

  /** The configured upstream authority, closed with the server (after the loops that use it); null when none. */
  private UpstreamAuthority upstream() {
    return config.upstreamAuthority() == null ? null
        : lifecycle.push("upstream authority", config.upstreamAuthority().create(null));
  }

  /** One turn of a background loop: a RuntimeException is logged, an Error halts the server (FatalErrors). */
  private static Runnable guard(String what, Runnable task) {
    return FatalErrors.PROCESS.guard(what, task);
  }

  /** The bound TCP port (useful with {@code bind_port = 0}). */
  public int tcpPort() {
    return endpoints.tcpPort();
  }

  /** The server's datastore, for embedding code and tests that need to inspect or seed stored state. */
  public DataStore dataStore() {
    return dataStore;
  }

  /** The port of the access layer's REST API, or -1 when it is off. */
  public int accessApiPort() {
    return accessApi == null ? -1 : accessApi.port();
  }

  /** The port of the bundle endpoint, or -1 when it is not served. */
  public int bundleEndpointPort() {
    return bundleEndpoint == null ? -1 : bundleEndpoint.port();
  }

  /** The port of the telemetry's Prometheus listener, or -1 when there is none. */
  public int metricsPort() {
    Telemetry running = telemetry;
    return running == null || running.address() == null ? -1 : running.address().getPort();
  }

  /** The port of the HTTP health listener, or -1 when it is off. */
  public int healthPort() {
    return healthListener == null ? -1 : healthListener.port();
  }

  /**
   * Stops everything in the reverse of the order it started: listeners first (calls in progress get a
   * short grace), then the background loops (a CA rotation or event poll in progress finishes first),
   * the call executor, the audit trail and last the datastore. Every resource is closed even when an
   * earlier one fails; the failures are logged and thrown together ({@link LifecycleException}).
   */
  @Override
  public void close() {
    lifecycle.close();
  }
}
