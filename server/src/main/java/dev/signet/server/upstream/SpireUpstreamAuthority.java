package dev.signet.server.upstream;

import dev.signet.ca.CaException;
import dev.signet.ca.CaException.Kind;
import dev.signet.ca.upstream.UpstreamAuthority;
import dev.signet.ca.upstream.UpstreamSigned;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginData;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.common.workload.X509Context;
import dev.signet.common.workload.X509Source;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code UpstreamAuthority "spire"}: SPIRE's nested topology, downstream half. This server's X.509 CA is signed by
 * an upstream server of the same trust domain ({@code server_address}:{@code server_port}), reached with the
 * X509-SVID that the local agent's Workload API ({@code workload_api_socket}) serves to this server's process (an
 * entry marked {@code downstream} on the upstream). The upstream's roots join our bundle, our JWT keys are
 * published to it, and its bundle is re-read every {@link #POLL} and whenever the Workload API pushes an update
 * (a new SVID or bundle), so an upstream CA rotation reaches this server's bundle, and from there its agents.
 *
 * <p>Security: the upstream is authenticated as {@code spiffe://<td>/spire/server} against the bundle the Workload
 * API delivers, never by host name; a Workload API SVID of another trust domain is refused, since nested servers
 * share one trust domain.
 */
public final class SpireUpstreamAuthority implements UpstreamAuthority {
  private static final Logger LOG = LoggerFactory.getLogger(SpireUpstreamAuthority.class);
  /** The SPIRE plugin name. */
  public static final String NAME = "spire";
  /** How often the upstream bundle is re-read besides the Workload API's pushes (SPIRE's period). */
  static final Duration POLL = Duration.ofSeconds(5);
  private static final Duration FIRST_SVID_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration WORKLOAD_API_TIMEOUT = Duration.ofSeconds(10);

  /** The built-in: {@code plugin_data { server_address, server_port, workload_api_socket }}. */
  public static final PluginDescriptor<?, Void, UpstreamAuthority> DESCRIPTOR =
      new BuiltIn<Config, Void, UpstreamAuthority>(NAME, (data, core) -> Config.parse(data, core.trustDomain()),
          (config, none) -> new SpireUpstreamAuthority(config, Clock.systemUTC()));

  /**
   * The checked {@code plugin_data}.
   *
   * @param trustDomain this server's trust domain, which the upstream shares
   */
  public record Config(String serverAddress, int serverPort, Path workloadApiSocket, TrustDomain trustDomain) {
    public Config {
      if (serverAddress == null || serverAddress.isBlank()) {
        throw new ConfigException("spire: server_address is required");
      }
      if (serverPort < 1 || serverPort > 65535) {
        throw new ConfigException("spire: server_port " + serverPort + " is not a port (1-65535)");
      }
      if (workloadApiSocket == null) {
        throw new ConfigException("spire: workload_api_socket is required");
      }
    }

    static Config parse(ConfigSection data, TrustDomain trustDomain) {
      Config config = new Config(data.requireString("server_address"), data.getInt("server_port", 0),
          Path.of(data.requireString("workload_api_socket")), trustDomain);
      PluginData.requireNoUnknownKeys(data);
      return config;
    }
  }

  private final Config config;
  private final Clock clock;
  private final List<Consumer<Bundle>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "signet-upstream-spire");
    thread.setDaemon(true);
    return thread;
  });
  private X509Source source;
  private UpstreamServerConnection connection;
  private boolean polling;
  private volatile Bundle lastBundle;

  public SpireUpstreamAuthority(Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public UpstreamSigned mintX509Ca(KeyPair keyPair, TrustDomain trustDomain, String subject, Duration preferredTtl,
      Instant now) {
    if (!trustDomain.equals(config.trustDomain())) {
      throw new CaException(Kind.INVALID_ARGUMENT, "spire: asked for a ca of \"" + trustDomain + "\", configured for \""
          + config.trustDomain() + "\"");
    }
    UpstreamSigned signed = connection().newDownstreamX509Ca(Csrs.create(keyPair, trustDomain.id(), List.of()),
        preferredTtl);
    LOG.info("spire: upstream {}:{} signed our x509 ca (serial {}, valid until {}), {} upstream roots",
        config.serverAddress(), config.serverPort(), signed.certificate().getSerialNumber().toString(16),
        signed.certificate().getNotAfter().toInstant(), signed.roots().size());
    return signed;
  }

  @Override
  public synchronized void watchBundle(Consumer<Bundle> listener) {
    listeners.add(listener);
    if (!polling) {
      polling = true;
      poller.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public Optional<List<JwtAuthority>> publishJwtAuthority(JwtAuthority authority) {
    Optional<List<JwtAuthority>> keys = connection().publishJwtAuthority(authority, config.trustDomain());
    if (keys.isEmpty()) {
      LOG.warn("spire: upstream {}:{} does not take jwt keys; jwt-svids of this server verify only where our own "
          + "bundle is known", config.serverAddress(), config.serverPort());
    }
    return keys;
  }

  /** Re-reads the upstream bundle and hands it on when it changed. Runs on the poller thread only. */
  private void poll() {
    UpstreamServerConnection current;
    synchronized (this) {
      current = connection;
    }
    if (current == null) {
      return; // nothing minted yet: the first mint connects
    }
    try {
      Bundle bundle = current.bundle();
      if (!bundle.equals(lastBundle)) {
        lastBundle = bundle;
        LOG.info("spire: upstream bundle sequence {} ({} x509, {} jwt authorities) taken into ours",
            bundle.sequenceNumber(), bundle.x509Authorities().size(), bundle.jwtAuthorities().size());
        listeners.forEach(listener -> listener.accept(bundle));
      }
    } catch (RuntimeException e) {
      LOG.warn("spire: upstream bundle not refreshed, retrying in {} s: {}", POLL.toSeconds(), e.getMessage());
    }
  }

  /** The upstream connection, made on first use once the Workload API has given us an SVID of our trust domain. */
  private synchronized UpstreamServerConnection connection() {
    if (connection != null) {
      return connection;
    }
    X509Source started = new X509Source(new WorkloadApiClient(config.workloadApiSocket(), WORKLOAD_API_TIMEOUT),
        Optional.empty());
    started.start();
    X509Context first;
    try {
      first = started.awaitFirst(FIRST_SVID_TIMEOUT);
    } catch (TimeoutException e) {
      started.close();
      throw new CaException(Kind.UNAVAILABLE, "spire: no x509-svid from the workload api at "
          + config.workloadApiSocket() + " within " + FIRST_SVID_TIMEOUT.toSeconds() + " s (is there an entry marked "
          + "downstream for this server's process?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started.close();
      throw new CaException(Kind.UNAVAILABLE, "spire: interrupted waiting for the workload api");
    }
    TrustDomain td = config.trustDomain();
    if (!first.id().trustDomain().equals(td)) {
      started.close();
      throw new CaException(Kind.FAILED_PRECONDITION, "spire: the workload api at " + config.workloadApiSocket()
          + " serves \"" + first.id() + "\", but this server's trust domain is \"" + td
          + "\"; nested servers share one trust domain");
    }
    SvidKeyManager keys = new SvidKeyManager(first.svid());
    SpiffeServerTrustManager trust = new SpiffeServerTrustManager(UpstreamServerConnection.serverId(td),
        () -> started.current().flatMap(context -> context.bundle(td)), false, clock);
    connection = new UpstreamServerConnection(config.serverAddress(), config.serverPort(), keys, trust);
    source = started;
    // a new SVID is presented from the next handshake on; a new bundle (an upstream CA rotation) is read at once
    started.addListener(context -> {
      keys.update(context.svid());
      poller.execute(this::poll);
    });
    LOG.info("spire: upstream {}:{} reached as {} through the workload api at {}", config.serverAddress(),
        config.serverPort(), first.id(), config.workloadApiSocket());
    return connection;
  }

  @Override
  public synchronized void close() {
    poller.shutdownNow();
    if (connection != null) {
      connection.close();
    }
    if (source != null) {
      source.close();
    }
  }

  @Override
  public String toString() {
    return "SpireUpstreamAuthority[" + config.serverAddress() + ":" + config.serverPort() + ", "
        + config.workloadApiSocket() + "]";
  }
}
