package dev.signet.benchmarks.sidebyside;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Runs calls on several client threads for a fixed time after a warm-up and returns the units done per second
 * (a call returns how many units it did, e.g. SVIDs) and the CPU time a server process spent per unit meanwhile.
 * The first failure fails the run.
 */
final class Throughput {
  private Throughput() {}

  /** Units per second, and the server's CPU time (user + system) per unit in microseconds. */
  record Rate(double perSecond, double serverCpuMicrosPerUnit) {}

  /**
   * @param calls one call per thread index, run in a loop on that thread
   * @param seconds how long the calls are measured, after a warm-up as long (at least 2 s): a JVM server compiles
   *     its call path with C2 during its first seconds of load, and that compilation time is a start-up cost, not
   *     a cost per call (the same warm-up is given to SPIRE's servers)
   */
  static Rate measure(List<IntSupplier> calls, int seconds, long serverPid) {
    run(calls, Math.max(2, seconds));
    long cpuBefore = ProcessCpu.micros(serverPid);
    long start = System.nanoTime();
    long done = run(calls, seconds);
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Rate(done / elapsed, (ProcessCpu.micros(serverPid) - cpuBefore) / (double) Math.max(1, done));
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
