package dev.signet.common.telemetry;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * {@link Metrics} in a Micrometer Prometheus registry, every name prefixed with SPIRE's {@code MetricPrefix}
 * ({@code spire_server}, {@code spire_agent} by default). In the exposition a counter {@code k} is
 * {@code <prefix>_k_total} and a call counter is also timed as {@code <prefix>_k_elapsed_time_seconds}
 * ({@code _count}, {@code _sum}, {@code _max}): Prometheus' client conventions, where SPIRE's go-metrics sink
 * prints {@code <prefix>_k} and a summary in milliseconds.
 */
public final class PrometheusMetrics implements Metrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final String prefix;

  /** A registry whose names start with {@code prefix_}. */
  public PrometheusMetrics(String prefix) {
    this.prefix = MetricNames.prefix(prefix) + "_";
  }

  @Override
  public void increment(String key, String... labels) {
    Counter.builder(prefix + key).tags(Tags.of(labels)).register(registry).increment();
  }

  @Override
  public void call(String key, Status.Code status, long nanos, String... labels) {
    Tags tags = Tags.of(labels).and("status", MetricNames.status(status));
    Counter.builder(prefix + key).tags(tags).register(registry).increment();
    Timer.builder(prefix + key + "_elapsed_time").tags(tags).register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void declare(String key, String... labels) {
    Counter.builder(prefix + key).tags(Tags.of(labels)).register(registry);
  }

  @Override
  public void declareCall(String key, String... labels) {
    Tags tags = Tags.of(labels).and("status", MetricNames.status(Status.Code.OK));
    Counter.builder(prefix + key).tags(tags).register(registry);
    Timer.builder(prefix + key + "_elapsed_time").tags(tags).register(registry);
  }

  @Override
  public void gauge(String key, DoubleSupplier value, String... labels) {
    // strongly held: Micrometer keeps a gauge's object weakly, and a lambda nobody else holds would read NaN
    Gauge.builder(prefix + key, value, DoubleSupplier::getAsDouble).strongReference(true).tags(Tags.of(labels))
        .register(registry);
  }

  /** The Prometheus text exposition of everything recorded. */
  public String scrape() {
    return registry.scrape();
  }
}
