package dev.signet.common.testing;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** Thread helpers for tests that hold work in the middle and look for threads left behind. */
public final class Threads {
  private Threads() {}

  /**
   * Waits for {@code latch} ignoring interrupts (restoring the flag after): a call held this way cannot be
   * ended by a shutdownNow alone, so only a shutdown that really waits lets it finish first.
   */
  public static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The live threads now.  */
  public static Set<Thread> live() {
    return Thread.getAllStackTraces().keySet();
  }

  /** Names of the live threads not in {@code before} whose name starts with one of {@code prefixes}. */
  public static List<String> startedSince(Collection<Thread> before, List<String> prefixes) {
    return live().stream().filter(t -> !before.contains(t) && t.isAlive()).map(Thread::getName)
        .filter(name -> prefixes.stream().anyMatch(name::startsWith)).sorted().toList();
  }
}
