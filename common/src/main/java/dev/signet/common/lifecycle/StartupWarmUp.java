package dev.signet.common.lifecycle;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slow first uses that a daemon's start reaches later, made ahead on a thread of their own while the main thread
 * does the rest of the start: on two cores the second core otherwise idles while, one after the other, the main
 * thread builds BouncyCastle's provider (registering every algorithm, ~100 ms) and loads BoringSSL (~100 ms)
 * (issue 23, server start to healthy).
 *
 * <p>Each task is the first use of something whose initialization is thread-safe and happens once (a class's static
 * initializer, a memoized native library load): when the main thread gets there while the task runs, it waits for
 * that same initialization; when it gets there first, the task finds it done. A task that fails is logged at debug
 * and otherwise ignored: the main thread's own use fails again and reports it where it matters.
 *
 * <p>The caller has initialized the logging before it starts a warm-up: SLF4J answers a thread that asks for a logger
 * while another thread initializes it with a stand-in factory, which a daemon's own logging set-up refuses.
 */
public final class StartupWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(StartupWarmUp.class);

  private StartupWarmUp() {}

  /** Starts a daemon thread that runs {@code tasks} in order; returns it. */
  public static Thread start(String name, List<Runnable> tasks) {
    return Thread.ofPlatform().name(name + "-warm-up").daemon().start(() -> {
      for (Runnable task : tasks) {
        try {
          task.run();
        } catch (RuntimeException | LinkageError e) {
          LOG.debug("start-up warm-up: a task failed; its first real use will report it", e);
        }
      }
    });
  }
}
