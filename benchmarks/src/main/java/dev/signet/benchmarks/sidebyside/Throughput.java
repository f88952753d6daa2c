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
  private static final int WARM_UP_SECONDS = 60;

  private Throughput() {}

  /** Units per second, and the server's CPU time (user + system) per unit in microseconds. */
  record Rate(double perSecond, double serverCpuMicrosPerUnit) {}

  /**
   * @param calls one call per thread index, run in a loop on that thread
   * @param seconds how long the calls are measured, after {@link #warmUpSeconds} of the same calls
   */
  static Rate measure(List<IntSupplier> calls, int seconds, long serverPid) {
    run(calls, warmUpSeconds(seconds));
    long cpuBefore = ProcessCpu.micros(serverPid);
    long start = System.nanoTime();
    long done = run(calls, seconds);
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Rate(done / elapsed, (ProcessCpu.micros(serverPid) - cpuBefore) / (double) Math.max(1, done));
  }

  /**
   * The unmeasured load before a measured one: at least {@link #WARM_UP_SECONDS}. A JVM server compiles its call
   * path with C2 during its first seconds of load, and that compilation is a start-up cost, not a cost per call.
   * On 2 cores shared with the clients it takes 30-45 s: under four Mint clients, Signet's server spent 989-1,141
   * µs of CPU per SVID in the first 15 s (C2 a quarter of it), 508-612 µs in the next 15 s, 334-459 µs from 30 to
   * 45 s and 323-387 µs from 45 to 60 s (session 17, three fresh servers). SPIRE's servers get the same warm-up;
   * {@link MintLoad} also reports the load's cold start.
   */
  static int warmUpSeconds(int seconds) {
    return Math.max(WARM_UP_SECONDS, seconds);
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
