package dev.signet.common.lifecycle;

/**
 * One or more resources of a {@link Lifecycle} did not close cleanly; each failure is a
 * {@linkplain #getSuppressed() suppressed} exception, and every resource was still asked to close.
 */
public final class LifecycleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  LifecycleException(String message) {
    super(message);
  }
}
