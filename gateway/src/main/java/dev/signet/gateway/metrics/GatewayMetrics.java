package dev.signet.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's meters, per route: connections (accepted, open), TLS handshake failures by reason,
 * decisions by outcome, bytes in each direction, handshake and request latency. Exposed in the Prometheus
 * text format by {@link dev.signet.common.telemetry.MetricsHttpServer}.
 */
public final class GatewayMetrics {
  private final PrometheusMeterRegistry registry;
  private final ConcurrentHashMap<String, AtomicLong> open = new ConcurrentHashMap<>();

  public GatewayMetrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  public void connectionOpened(String route) {
    Counter.builder("signet_gateway_connections").tag("route", route).register(registry).increment();
    openGauge(route).incrementAndGet();
  }

  public void connectionClosed(String route) {
    openGauge(route).decrementAndGet();
  }

  private AtomicLong openGauge(String route) {
    return open.computeIfAbsent(route, r -> registry.gauge("signet_gateway_connections_open",
        io.micrometer.core.instrument.Tags.of("route", r), new AtomicLong()));
  }

  public void handshakeFailed(String route, String reason) {
    Counter.builder("signet_gateway_handshake_failures").tag("route", route).tag("reason", reason).register(registry)
        .increment();
  }

  public void handshakeSucceeded(String route, Duration took) {
    Timer.builder("signet_gateway_handshake").tag("route", route).publishPercentiles(0.5, 0.99).register(registry)
        .record(took);
  }

  public void decision(String route, String outcome) {
    Counter.builder("signet_gateway_decisions").tag("route", route).tag("outcome", outcome).register(registry)
        .increment();
  }

  /** {@code direction}: {@code in} (caller to upstream) or {@code out} (upstream to caller). */
  public void bytes(String route, String direction, long count) {
    Counter.builder("signet_gateway_bytes").tag("route", route).tag("direction", direction).register(registry)
        .increment(count);
  }

  /** HTTP mode: from the complete request to the end of the upstream's response. */
  public void request(String route, int status, Duration took) {
    Timer.builder("signet_gateway_request").tag("route", route).tag("status", Integer.toString(status))
        .publishPercentiles(0.5, 0.99).register(registry).record(took);
  }
}
