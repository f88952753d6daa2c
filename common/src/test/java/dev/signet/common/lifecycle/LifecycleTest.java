package dev.signet.common.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.testing.Threads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The ordered shutdown: reverse order, failures reported without skipping, executors awaited with a deadline. */
class LifecycleTest {
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private AutoCloseable recording(String name) {
    return () -> events.add("closed " + name);
  }

  @Test
  void closesInTheReverseOfTheOrderResourcesWerePushed() {
    Lifecycle lifecycle = new Lifecycle("test");
    lifecycle.push("datastore", recording("datastore"));
    lifecycle.push("ca", recording("ca"));
    lifecycle.push("listener", recording("listener"));

    lifecycle.close();

    assertThat(events).containsExactly("closed listener", "closed ca", "closed datastore");
  }

  @Test
  void aFailingResourceDoesNotSkipTheLaterOnesAndEveryFailureIsReported() {
    Lifecycle lifecycle = new Lifecycle("test");
    lifecycle.push("datastore", recording("datastore"));
    lifecycle.push("audit", () -> {
      throw new IOException("disk full");
    });
    lifecycle.push("ca", recording("ca"));
    lifecycle.push("listener", () -> {
      throw new IllegalStateException("already stopped");
    });

    assertThatThrownBy(lifecycle::close).isInstanceOf(LifecycleException.class)
        .hasMessage("test: 2 resources did not close cleanly: listener, audit")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
            .containsExactly("already stopped", "disk full"));
    assertThat(events).containsExactly("closed ca", "closed datastore");
  }

  @Test
  void closingTwiceClosesOnce() {
    Lifecycle lifecycle = new Lifecycle("test");
    lifecycle.push("datastore", recording("datastore"));

    lifecycle.close();
    lifecycle.close();

    assertThat(events).containsExactly("closed datastore");
  }

  @Test
  void aResourcePushedAfterCloseIsClosedAtOnceAndRefused() {
    Lifecycle lifecycle = new Lifecycle("test");
    lifecycle.close();

    assertThatThrownBy(() -> lifecycle.push("late", recording("late"))).isInstanceOf(IllegalStateException.class)
        .hasMessage("test is closed; late closed at once");
    assertThat(events).containsExactly("closed late");
  }

  /** What a held task does; an interrupt that reaches it is recorded as "task interrupted". */
  private interface Body {
    void run() throws InterruptedException;
  }

  /** An executor whose one task has started running {@code body}. */
  private ExecutorService running(Body body) throws InterruptedException {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    CountDownLatch started = new CountDownLatch(1);
    executor.execute(() -> {
      started.countDown();
      try {
        body.run();
      } catch (InterruptedException e) {
        events.add("task interrupted");
      }
    });
    started.await();
    return executor;
  }

  @Test
  void aRunningTaskFinishesBeforeWhatWasPushedEarlierCloses() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService executor = running(() -> {
      release.await();
      events.add("task done");
    });
    Lifecycle lifecycle = new Lifecycle("test", Duration.ofMinutes(5), name -> {});
    lifecycle.push("datastore", recording("datastore"));
    lifecycle.pushExecutor("background", executor);

    Thread closer = new Thread(lifecycle::close, "closer");
    closer.start();
    // Without awaiting, close would close the datastore and end while the task still waits.
    awaitBlockedOrDone(closer);
    release.countDown();
    closer.join();

    assertThat(events).containsExactly("task done", "closed datastore");
    assertThat(executor.isTerminated()).isTrue();
  }

  @Test
  void aTaskThatOutlivesTheDeadlineIsInterruptedAndTheRestStillCloses() throws Exception {
    ExecutorService executor = running(() -> new CountDownLatch(1).await());
    Lifecycle lifecycle = new Lifecycle("test", Duration.ZERO, name -> {});
    lifecycle.push("datastore", recording("datastore"));
    lifecycle.pushExecutor("background", executor);

    try {
      lifecycle.close(); // succeeds when the interrupted task ended within the second (zero) deadline
    } catch (LifecycleException e) {
      assertThat(e.getSuppressed()).singleElement().isInstanceOf(TimeoutException.class);
    }

    assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    assertThat(events).contains("task interrupted", "closed datastore");
  }

  @Test
  void aTaskThatIgnoresInterruptsIsReportedAfterTheDeadlineAndDoesNotHoldTheShutdown() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService executor = running(() -> Threads.awaitUninterruptibly(release));
    Lifecycle lifecycle = new Lifecycle("test", Duration.ofMillis(1), name -> {});
    lifecycle.push("datastore", recording("datastore"));
    lifecycle.pushExecutor("background", executor);

    assertThatThrownBy(lifecycle::close).isInstanceOf(LifecycleException.class)
        .hasMessage("test: 1 resource did not close cleanly: background")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(TimeoutException.class));
    // close returned although the task still runs: the deadline bounded the wait.
    assertThat(executor.isTerminated()).isFalse();
    assertThat(events).contains("closed datastore");
    release.countDown();
    assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
  }

  @Test
  void anInterruptWhileAwaitingIsKeptAndTheRestStillCloses() throws Exception {
    ExecutorService executor = running(() -> new CountDownLatch(1).await());
    Lifecycle lifecycle = new Lifecycle("test", Duration.ofMinutes(5), name -> {
      if (name.equals("background")) {
        Thread.currentThread().interrupt(); // as if the JVM's shutdown interrupted the closing thread
      }
    });
    lifecycle.push("datastore", recording("datastore"));
    lifecycle.pushExecutor("background", executor);

    assertThatThrownBy(lifecycle::close).isInstanceOf(LifecycleException.class)
        .hasMessage("test: 1 resource did not close cleanly: background");

    assertThat(Thread.interrupted()).isTrue();
    assertThat(events).contains("closed datastore");
    assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    assertThat(events).contains("task interrupted");
  }

  @Test
  void theListenerIsToldEachResourceAsItsClosingBegins() {
    List<String> told = new ArrayList<>();
    Lifecycle lifecycle = new Lifecycle("test", Duration.ofSeconds(1), name -> told.add(name + " after " + events));
    lifecycle.push("datastore", recording("datastore"));
    lifecycle.push("listener", recording("listener"));

    lifecycle.close();

    assertThat(told).containsExactly("listener after []", "datastore after [closed listener]");
  }

  @Test
  void aFailedStartClosesWhatStartedAndKeepsTheStartFailureFirst() {
    Lifecycle lifecycle = new Lifecycle("test");
    lifecycle.push("datastore", recording("datastore"));
    lifecycle.push("audit", () -> {
      throw new IOException("disk full");
    });
    IllegalStateException failure = new IllegalStateException("port in use");

    lifecycle.closeAfter(failure);

    assertThat(events).containsExactly("closed datastore");
    assertThat(failure.getSuppressed()).singleElement().isInstanceOf(LifecycleException.class)
        .extracting(Throwable::getMessage).isEqualTo("test: 1 resource did not close cleanly: audit");
  }

  @Test
  void refusesANegativeDeadline() {
    assertThatThrownBy(() -> new Lifecycle("test", Duration.ofSeconds(-1), name -> {}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("lifecycle deadline is negative: PT-1S");
  }

  /** Waits until {@code thread} is parked (awaiting something) or has ended. */
  static void awaitBlockedOrDone(Thread thread) throws InterruptedException {
    while (true) {
      Thread.State state = thread.getState();
      if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.TERMINATED) {
        return;
      }
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
