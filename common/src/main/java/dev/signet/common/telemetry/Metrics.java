package dev.signet.common.telemetry;

import io.grpc.Status;
import java.util.function.DoubleSupplier;

/**
 * Where server and agent record what SPIRE's telemetry records, in SPIRE's vocabulary: a key (SPIRE's key parts
 * joined by {@code _}, without the service prefix) and labels as name/value pairs. A <em>call counter</em>, as in
 * SPIRE, is a counter and an elapsed-time sample of one call, both labelled with the call's gRPC status.
 *
 * <p>This interface names no metrics library: {@link #NONE} is what runs when no {@code Prometheus} listener is
 * configured, so an agent without one loads no Micrometer or Prometheus class at all.
 */
public interface Metrics {
  /** Records nothing. */
  Metrics NONE = new Metrics() {
    @Override
    public void increment(String key, String... labels) {}

    @Override
    public void call(String key, Status.Code status, long nanos, String... labels) {}

    @Override
    public void gauge(String key, DoubleSupplier value, String... labels) {}

    @Override
    public void declare(String key, String... labels) {}

    @Override
    public void declareCall(String key, String... labels) {}

    @Override
    public boolean enabled() {
      return false;
    }
  };

  /** Adds one to counter {@code key}. */
  void increment(String key, String... labels);

  /** One finished call of {@code key} that took {@code nanos} and ended with {@code status}. */
  void call(String key, Status.Code status, long nanos, String... labels);

  /**
   * Counter {@code key} exported at 0 before its first event, so {@code rate()} and {@code increase()} see the
   * series start (a series that first appears at 1 hides that first event from them).
   */
  void declare(String key, String... labels);

  /** Call counter {@code key} exported at 0 with status {@code OK} before its first call (see {@link #declare}). */
  void declareCall(String key, String... labels);

  /** A gauge read from {@code value} at every scrape (registered once per key and labels). */
  void gauge(String key, DoubleSupplier value, String... labels);

  /** Whether anything is recorded (false only for {@link #NONE}), so callers may skip work done only for metrics. */
  default boolean enabled() {
    return true;
  }

  /** A body timed as call counter {@code key}: OK, or the status its exception carries (UNKNOWN if none). */
  default <T, E extends Exception> T timed(String key, Call<T, E> body) throws E {
    long start = System.nanoTime();
    Status.Code status = Status.Code.UNKNOWN;
    try {
      T result = body.run();
      status = Status.Code.OK;
      return result;
    } catch (Exception e) {
      status = Status.fromThrowable(e).getCode();
      throw e;
    } finally {
      call(key, status, System.nanoTime() - start);
    }
  }

  /** A body for {@link #timed}. */
  @FunctionalInterface
  interface Call<T, E extends Exception> {
    T run() throws E;
  }
}
