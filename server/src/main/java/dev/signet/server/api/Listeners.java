package dev.signet.server.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs event listeners after the API call's change is committed: a listener that fails is logged and never
 * fails the call, nor keeps the next listener from running.
 */
public final class Listeners {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private Listeners() {}

  public static void isolated(String event, Runnable listener) {
    try {
      listener.run();
    } catch (RuntimeException e) {
      LOG.error("a listener of {} failed", event, e);
    }
  }
}
