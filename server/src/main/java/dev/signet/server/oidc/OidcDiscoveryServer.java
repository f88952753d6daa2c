package dev.signet.server.oidc;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running provider: the key poller, the HTTPS (serving_cert_file) or plain HTTP (insecure_addr) listener
 * on Helidon, the certificate files polled and reloaded into the listener when they change, and the optional
 * health listener on localhost.
 */
public final class OidcDiscoveryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OidcDiscoveryServer.class);

  private final OidcConfig config;
  private final KeySetPoller keys;
  private final WebServer server;
  private final WebServer health;
  private final ScheduledExecutorService reloader;
  private volatile ServingCertificate certificate;

  private OidcDiscoveryServer(OidcConfig config, KeySetPoller keys) {
    this.config = config;
    this.keys = keys;
    DiscoveryRoutes routes = new DiscoveryRoutes(config, keys);
    OidcConfig.ListenAddress addr = config.servingCert() != null ? config.servingCert().addr() : config.insecureAddr();
    WebServerConfig.Builder builder = WebServer.builder().host(addr.host()).port(addr.port()).routing(routes::register);
    if (config.servingCert() != null) {
      certificate = ServingCertificate.load(config.servingCert().certFile(), config.servingCert().keyFile());
      builder.tls(certificate.tls());
    }
    this.server = builder.build().start();
    LOG.info("oidc discovery provider listening on {}://{}:{}", config.servingCert() != null ? "https" : "http",
        addr.host(), server.port());
    this.health = config.health() == null ? null : startHealth(config.health());
    this.reloader = config.servingCert() == null ? null : startReloader(config.servingCert());
  }

  /** Starts the poller, then the listeners; the caller closes what it got. */
  public static OidcDiscoveryServer start(OidcConfig config, KeySource source, Clock clock) {
    KeySetPoller keys = new KeySetPoller(source, config.setKeyUse(), config.keySource().pollInterval(), clock).start();
    try {
      return new OidcDiscoveryServer(config, keys);
    } catch (RuntimeException e) {
      keys.close();
      throw e;
    }
  }

  /** The port of the discovery listener (the configured one, or the one chosen for port 0). */
  public int port() {
    return server.port();
  }

  /** The port of the health listener, or -1 without one. */
  public int healthPort() {
    return health == null ? -1 : health.port();
  }

  /** One fetch now (tests; the poller runs on its own otherwise). */
  boolean pollNow() {
    return keys.poll();
  }

  /** One fetch now whose failure is logged, not thrown. */
  boolean pollNowQuietly() {
    return keys.pollQuietly();
  }

  private WebServer startHealth(OidcConfig.HealthSettings settings) {
    WebServer started = WebServer.builder().host("localhost").port(settings.bindPort())
        .routing(routing -> routing
            .get(settings.readyPath(), (req, res) -> res.status(keys.ready() ? 200 : 500).send(keys.ready() ? "ok" : "not ready"))
            .get(settings.livePath(), (req, res) -> res.status(keys.live() ? 200 : 500).send(keys.live() ? "ok" : "not live")))
        .build().start();
    LOG.info("oidc discovery health checks on localhost:{}", started.port());
    return started;
  }

  private ScheduledExecutorService startReloader(OidcConfig.ServingCert files) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "oidc-cert-reloader");
      thread.setDaemon(true);
      return thread;
    });
    long every = files.syncInterval().toMillis();
    timer.scheduleWithFixedDelay(() -> reloadIfChanged(files), every, every, TimeUnit.MILLISECONDS);
    return timer;
  }

  /**
   * Reloads the serving certificate when either file changed. A pair that fails to load (a half-written file,
   * a key of another certificate) is logged and the current certificate kept: the next poll tries again.
   */
  void reloadIfChanged(OidcConfig.ServingCert files) {
    try {
      if (!certificate.changed(files.certFile(), files.keyFile())) {
        return;
      }
      ServingCertificate fresh = ServingCertificate.load(files.certFile(), files.keyFile());
      server.reloadTls(fresh.tls());
      certificate = fresh;
      LOG.info("reloaded the serving certificate {} (expires {})", fresh.leaf().getSubjectX500Principal().getName(),
          fresh.leaf().getNotAfter().toInstant());
    } catch (UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
      LOG.warn("keeping the current serving certificate: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
    if (health != null) {
      health.stop();
    }
    server.stop();
    keys.close();
  }
}
