package dev.signet.it;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling with a deadline: no fixed sleeps where a condition can be awaited. A
 * condition that throws counts as "not yet"; the last failure is reported when the deadline passes.
 */
public final class Poll {
  private static final Duration INTERVAL = Duration.ofMillis(50);

  private Poll() {}

  /** Polls {@code condition} until it holds or {@code timeout} passes (then throws an AssertionError). */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    value(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  /** Polls {@code probe} until it yields a value or {@code timeout} passes (then throws an AssertionError). */
  public static <T> T value(String what, Duration timeout, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (true) {
      try {
        Optional<T> value = probe.get();
        if (value.isPresent()) {
          return value.get();
        }
      } catch (RuntimeException | AssertionError e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        AssertionError error = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
            + (last == null ? "" : " (last failure: " + last + ")"));
        if (last != null) {
          error.initCause(last);
        }
        throw error;
      }
      sleep(INTERVAL);
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while polling", e);
    }
  }
}
