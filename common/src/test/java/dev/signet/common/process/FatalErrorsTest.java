package dev.signet.common.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Errors end the process, exceptions end one turn; observed through a fake halt. */
class FatalErrorsTest {
  private final List<Integer> halts = new CopyOnWriteArrayList<>();
  private final FatalErrors fatal = new FatalErrors(halts::add);

  @Test
  void aRuntimeExceptionEndsOnlyThatTurnOfTheLoop() {
    AtomicInteger turns = new AtomicInteger();
    Runnable loop = fatal.guard("test loop", () -> {
      turns.incrementAndGet();
      throw new IllegalStateException("one bad turn");
    });
    loop.run();
    loop.run();
    assertThat(turns).hasValue(2);
    assertThat(halts).isEmpty();
  }

  @Test
  void anErrorHaltsTheProcessWithANonZeroStatus() {
    fatal.guard("test loop", () -> {
      throw new OutOfMemoryError("Java heap space");
    }).run();
    assertThat(halts).containsExactly(FatalErrors.EXIT_STATUS);
    assertThat(FatalErrors.EXIT_STATUS).isNotZero();
  }

  /** Without the guard a scheduled loop that meets an Error just stops, and nobody notices. */
  @Test
  void aScheduledLoopThatMeetsAnErrorHaltsInsteadOfStoppingSilently() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      var future = scheduler.scheduleWithFixedDelay(fatal.guard("sync loop", () -> {
        throw new StackOverflowError();
      }), 0, 1, TimeUnit.MILLISECONDS);
      while (halts.isEmpty()) {
        Thread.onSpinWait();
      }
      future.cancel(false);
    } finally {
      scheduler.shutdownNow();
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(halts).startsWith(FatalErrors.EXIT_STATUS);
  }

  @Test
  void aThreadDyingOfAnErrorHaltsButOfAnExceptionDoesNot() throws Exception {
    Thread exception = new Thread(() -> {
      throw new IllegalArgumentException("bad");
    });
    exception.setUncaughtExceptionHandler(fatal.uncaughtExceptionHandler());
    exception.start();
    exception.join();
    assertThat(halts).isEmpty();

    Thread error = new Thread(() -> {
      throw new AssertionError("broken invariant");
    });
    error.setUncaughtExceptionHandler(fatal.uncaughtExceptionHandler());
    error.start();
    error.join();
    assertThat(halts).containsExactly(FatalErrors.EXIT_STATUS);
  }
}
