package dev.signet.gateway;

import dev.signet.common.crypto.CryptoProviders;
import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.gateway.authz.AuditingAuthorizer;
import dev.signet.gateway.authz.Authorizer;
import dev.signet.gateway.authz.CachingAuthorizer;
import dev.signet.gateway.authz.PolicyAuthorizer;
import dev.signet.gateway.authz.RemoteAuthorizer;
import dev.signet.gateway.config.GatewayConfig;
import dev.signet.gateway.config.InboundConfig;
import dev.signet.gateway.config.OutboundConfig;
import dev.signet.gateway.config.RemotePolicyConfig;
import dev.signet.gateway.metrics.GatewayMetrics;
import dev.signet.common.telemetry.MetricsHttpServer;
import dev.signet.gateway.proxy.InboundHttpRoute;
import dev.signet.gateway.proxy.InboundTcpRoute;
import dev.signet.gateway.proxy.Listener;
import dev.signet.gateway.proxy.OutboundRoute;
import dev.signet.gateway.proxy.RouteContext;
import dev.signet.gateway.x509.RotatingSslContext;
import dev.signet.gateway.x509.TlsContexts;
import dev.signet.common.workload.X509Context;
import dev.signet.common.workload.X509Source;
import dev.signet.server.audit.AuditAnchor;
import dev.signet.server.audit.AuditKey;
import dev.signet.server.audit.AuditTrail;
import dev.signet.server.policy.PolicyStore;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the X509 source, the policy store, the audit trail, the routes' listeners and the
 * metrics listener. Listeners are bound only once the first X509-SVID has arrived, so no route ever
 * answers without an identity.
 */
public final class GatewayRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayRuntime.class);
  static final Duration FIRST_SVID_TIMEOUT = Duration.ofSeconds(60);
  static final int DECISION_CACHE_ENTRIES = 10_000;
  /** The path of a SPIRE-compatible server's SPIFFE ID, which its access API presents with {@code tls = true}. */
  static final String SERVER_PATH = "/spire/server";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final CompletableFuture<String> stopped = new CompletableFuture<>();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private MetricsHttpServer metricsServer;

  private GatewayRuntime() {}

  public static GatewayRuntime start(GatewayConfig config, Clock clock)
      throws IOException, InterruptedException, TimeoutException {
    GatewayRuntime runtime = new GatewayRuntime();
    try {
      runtime.startAll(config, clock);
    } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
      runtime.close();
      throw e;
    }
    return runtime;
  }

  private void startAll(GatewayConfig config, Clock clock) throws IOException, InterruptedException, TimeoutException {
    // the JSSE handshakes sign and verify through the preferred JCA provider: ACCP when it loads
    CryptoProviders.install(config.cryptoProvider());
    Files.createDirectories(config.dataDir());
    AuditTrail trail = AuditTrail.open(config.dataDir().resolve("audit.log"),
        AuditKey.loadOrCreate(config.dataDir().resolve(AuditKey.FILE_NAME)), AuditAnchor.none(), clock);
    resources.add(trail);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
    resources.add(() -> workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
    resources.add(() -> boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());

    X509Source source = new X509Source(new WorkloadApiClient(config.socketPath(), Duration.ofSeconds(10)),
        config.spiffeId());
    resources.add(source);
    Authorizer authorizer = new AuditingAuthorizer(new CachingAuthorizer(decider(config, source, workers, clock),
        config.decisionCacheTtl(), DECISION_CACHE_ENTRIES, System::nanoTime), trail);
    List<Runnable> binds = new ArrayList<>();
    for (InboundConfig inbound : config.inbound()) {
      RotatingSslContext tls = new RotatingSslContext(inbound.name(),
          c -> TlsContexts.server(c, config.federatedTrustDomains(), clock));
      source.addListener(tls);
      source.addWithdrawalListener(tls::withdraw);
      RouteContext route = route(inbound.name(), tls, authorizer, config);
      binds.add(() -> bind(inbound.listen(), boss, workers, inbound.mode() == InboundConfig.Mode.tcp
          ? new InboundTcpRoute(route, inbound.resource(), inbound.upstream())
          : new InboundHttpRoute(route, inbound.upstream(), inbound.identityHeader(),
              () -> source.current().map(X509Context::id).orElseThrow(), inbound.maxHeaderBytes(),
              inbound.maxBodyBytes(), inbound.requestTimeout())));
    }
    for (OutboundConfig outbound : config.outbound()) {
      RotatingSslContext tls = new RotatingSslContext(outbound.name(),
          c -> TlsContexts.client(c, outbound.expectSpiffeId(), clock));
      source.addListener(tls);
      source.addWithdrawalListener(tls::withdraw);
      RouteContext route = route(outbound.name(), tls, authorizer, config);
      binds.add(() -> bind(outbound.listen(), boss, workers,
          new OutboundRoute(route, outbound.remote(), outbound.expectSpiffeId())));
    }
    source.start();
    X509Context first = source.awaitFirst(FIRST_SVID_TIMEOUT);
    LOG.info("gateway identity {}", first.id());
    binds.forEach(Runnable::run);
    if (config.metricsListen().isPresent()) {
      metricsServer = MetricsHttpServer.start(resolved(config.metricsListen().get()), metrics::scrape);
      resources.add(metricsServer);
    }
  }

  /** Policy files in process, or the server's access API when {@code policy { remote {} }} is set. */
  private Authorizer decider(GatewayConfig config, X509Source source, EventLoopGroup workers, Clock clock) {
    if (config.remotePolicy().isPresent()) {
      RemotePolicyConfig remote = config.remotePolicy().get();
      RotatingSslContext tls = new RotatingSslContext("policy.remote", c -> TlsContexts.client(c,
          remote.serverId().orElse(c.id().trustDomain().id(SERVER_PATH)), clock));
      source.addListener(tls);
      source.addWithdrawalListener(tls::withdraw);
      LOG.info("policy decisions asked of {}", remote.address());
      return new RemoteAuthorizer(remote.address(), tls, workers, NioSocketChannel.class, remote.timeout());
    }
    Path dir = config.policyDir().orElseThrow();
    PolicyStore policies = PolicyStore.watch(dir, config.policyReloadInterval().toMillis());
    resources.add(policies);
    if (!policies.lastError().isEmpty()) {
      throw new IllegalArgumentException("policies in " + dir + " cannot be loaded: " + policies.lastError());
    }
    return new PolicyAuthorizer(policies::engine);
  }

  private RouteContext route(String name, RotatingSslContext tls, Authorizer authorizer, GatewayConfig config) {
    return new RouteContext(name, tls, authorizer, metrics, config.handshakeTimeout(), config.connectTimeout(),
        NioSocketChannel.class);
  }

  private void bind(InetSocketAddress address, EventLoopGroup boss, EventLoopGroup workers,
      io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel> initializer) {
    try {
      Listener listener = Listener.bind(resolved(address), boss, workers, initializer);
      listeners.add(listener);
      resources.add(listener);
      LOG.info("listening on {}", listener.address());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + address, e);
    }
  }

  private static InetSocketAddress resolved(InetSocketAddress address) {
    return new InetSocketAddress(address.getHostString(), address.getPort());
  }

  /** The bound addresses, in config order (inbound first, then outbound). */
  public List<InetSocketAddress> addresses() {
    return listeners.stream().map(Listener::address).toList();
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  /** Completes with "closed" once {@link #close} ran. */
  public CompletableFuture<String> stopped() {
    return stopped;
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resources.get(i), e.getMessage());
      }
    }
    resources.clear();
    stopped.complete("closed");
  }
}
