package dev.signet.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Runs calls on several client threads for a fixed time after a warm-up and returns the units done per second
 * (a call returns how many units it did, e.g. SVIDs). The first failure fails the run.
 */
final class Throughput {
  private Throughput() {}

  /** @param calls one call per thread index, run in a loop on that thread */
  static double measure(List<IntSupplier> calls, int warmupSeconds, int seconds) {
    run(calls, warmupSeconds);
    long start = System.nanoTime();
    long done = run(calls, seconds);
    return done / ((System.nanoTime() - start) / 1e9);
  }

  private static long run(List<IntSupplier> calls, int seconds) {
    LongAdder done = new LongAdder();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> threads = new ArrayList<>();
    for (IntSupplier call : calls) {
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          while (System.nanoTime() < deadline && failure.get() == null) {
            done.add(call.getAsInt());
          }
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    if (failure.get() != null) {
      throw new IllegalStateException("load call failed: " + failure.get().getMessage(), failure.get());
    }
    return done.sum();
  }
}
