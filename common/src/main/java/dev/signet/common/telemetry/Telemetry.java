package dev.signet.common.telemetry;

import dev.signet.common.SignetVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running telemetry of a server or an agent: the {@link Metrics} its components record into and, when
 * {@code telemetry { Prometheus {…} }} asks for it, the listener that serves them. Without a Prometheus block
 * the metrics are {@link Metrics#NONE} and no metrics class is loaded (the agent's footprint depends on it).
 * Like SPIRE, every registry carries {@code started{version,trust_domain_id}} and {@code uptime_in_ms}.
 */
public final class Telemetry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

  /** No telemetry. */
  public static final Telemetry OFF = new Telemetry(Metrics.NONE, null);

  private final Metrics metrics;
  private final MetricsHttpServer listener;

  private Telemetry(Metrics metrics, MetricsHttpServer listener) {
    this.metrics = metrics;
    this.listener = listener;
  }

  /**
   * Starts what {@code config} asks for; {@code service} is the default prefix ({@code spire_server},
   * {@code spire_agent}). The sinks accepted without effect are the config loader's warning
   * ({@link TelemetryConfig#inertSinksWarning()}), logged once with the others.
   */
  public static Telemetry start(TelemetryConfig config, String service, String trustDomain) throws IOException {
    if (config.prometheus().isEmpty()) {
      return OFF;
    }
    PrometheusListener settings = config.prometheus().get();
    PrometheusMetrics metrics = new PrometheusMetrics(config.metricPrefix().orElse(service));
    long startedAt = System.nanoTime();
    metrics.gauge("started", () -> 1, "version", SignetVersion.get(), "trust_domain_id", trustDomain);
    metrics.gauge("uptime_in_ms", () -> (System.nanoTime() - startedAt) / 1_000_000.0);
    MetricsHttpServer listener =
        MetricsHttpServer.start(new InetSocketAddress(settings.host(), settings.port()), metrics::scrape);
    if (settings.remote()) {
      LOG.warn("telemetry Prometheus listener on {} accepts remote connections: keep its port reachable by the "
          + "scraper only", listener.address());
    }
    LOG.info("telemetry: Prometheus metrics on http://{}:{}/metrics", settings.host(), listener.address().getPort());
    return new Telemetry(metrics, listener);
  }

  /** Where components record. */
  public Metrics metrics() {
    return metrics;
  }

  /** The listener's bound address, or null when there is none. */
  public InetSocketAddress address() {
    return listener == null ? null : listener.address();
  }

  @Override
  public void close() {
    if (listener != null) {
      listener.close();
    }
  }
}
