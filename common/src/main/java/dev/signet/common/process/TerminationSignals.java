package dev.signet.common.process;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop cleanly. A JVM that handles them with shutdown hooks exits with
 * 143/130, which systemd reports as a failed unit; spire-server and spire-agent exit 0. With these
 * handlers the daemon stops its work and its main method returns normally instead.
 */
public final class TerminationSignals {
  private TerminationSignals() {}

  /** Runs {@code stop} once, on its own thread, when the process receives SIGTERM or SIGINT. */
  public static void onTerminate(Runnable stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> {
        if (stopping.compareAndSet(false, true)) {
          Thread.ofPlatform().name("signet-stop").start(stop);
        }
      });
    }
  }
}
