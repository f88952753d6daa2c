package dev.signet.common.process;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a daemon does when one of its long-lived threads meets a {@link Error}: it stops the whole process
 * with {@link #EXIT_STATUS}, so that its supervisor (systemd {@code Restart=on-failure}, a Kubernetes
 * restart policy) starts a fresh one.
 *
 * <p>Why: a periodic task run by a {@link java.util.concurrent.ScheduledExecutorService} that throws is
 * silently never run again (the throwable goes into a future nobody reads), and a thread that dies leaves
 * the others running. After an {@link OutOfMemoryError} or a {@link StackOverflowError} in the agent's
 * sync loop, the process would keep serving SVIDs it no longer renews, or the server keep answering
 * while its CA never rotates: half working, and healthy to every probe. An Error means the JVM's state
 * can no longer be trusted, so the process is halted ({@link Runtime#halt}, no shutdown hooks, which
 * might need the very memory that ran out), as {@code -XX:+ExitOnOutOfMemoryError} does for memory.
 * A {@link RuntimeException} in one turn of a loop is a failure of that turn only: it is logged and the
 * loop runs again at its next turn.
 */
public final class FatalErrors {
  private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);

  /** The exit status after a fatal error ({@code EX_SOFTWARE}); non-zero, so supervisors restart. */
  public static final int EXIT_STATUS = 70;

  /** Ends the process; a seam so that tests can observe the decision without dying. */
  @FunctionalInterface
  public interface Halt {
    void halt(int status);
  }

  /** The real one: halts this JVM. */
  public static final FatalErrors PROCESS = new FatalErrors(status -> Runtime.getRuntime().halt(status));

  private final Halt halt;

  public FatalErrors(Halt halt) {
    this.halt = Objects.requireNonNull(halt, "halt");
  }

  /**
   * {@code task} as one turn of a loop named {@code what}: a RuntimeException is logged and swallowed
   * (the next turn runs), an Error halts the process.
   */
  public Runnable guard(String what, Runnable task) {
    Objects.requireNonNull(task, "task");
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.error("{} failed; it runs again at its next turn", what, e);
      } catch (Error e) {
        fatal(what, e);
      }
    };
  }

  /** For threads: an Error halts the process, anything else is logged as the thread ends. */
  public Thread.UncaughtExceptionHandler uncaughtExceptionHandler() {
    return (thread, e) -> {
      if (e instanceof Error error) {
        fatal("thread " + thread.getName(), error);
      } else {
        LOG.error("thread {} ended by an uncaught exception", thread.getName(), e);
      }
    };
  }

  /** Makes {@link #uncaughtExceptionHandler} the JVM's default (daemon start-up). */
  public void installAsDefault() {
    Thread.setDefaultUncaughtExceptionHandler(uncaughtExceptionHandler());
  }

  /** Logs (as far as the broken JVM still can) and halts with {@link #EXIT_STATUS}. */
  public void fatal(String what, Error error) {
    try {
      LOG.error("{} died of {}: stopping the process (exit status {}) for its supervisor to restart it", what,
          error.toString(), EXIT_STATUS, error);
    } catch (Throwable loggingFailed) {
      // Nothing more can be done to report it: halting is what matters.
    } finally {
      halt.halt(EXIT_STATUS);
    }
  }
}
