package dev.signet.agent.runtime;

import java.time.Duration;
import java.time.Instant;

/**
 * When the next sync is due: {@code sync_interval} after a success; after a failure, a growing pause (0.5 s
 * doubling to 30 s) that every reason to sync honours. A push signal, the timer or an SVID reaching its
 * renewal point make a sync due only once the pause is over: while the server is unreachable an SVID past its
 * renewal point stays past it, and without this rule it would ask for a sync on every tick (a retry storm
 * against a server that is down, and again against one that has just come back). Not thread-safe: the sync
 * thread owns it.
 */
final class SyncSchedule {
  static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Duration interval;
  private Instant nextSync = Instant.MIN;
  private Duration backoff = Duration.ZERO;

  SyncSchedule(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("sync interval " + interval + " must be positive");
    }
    this.interval = interval;
  }

  /** A sync succeeded at {@code now}: the next one is due an interval later, the pause is reset. */
  void succeeded(Instant now) {
    backoff = Duration.ZERO;
    nextSync = now.plus(interval);
  }

  /** A sync (or an agent SVID renewal) failed at {@code now}: nothing is due before the grown pause ends. */
  void failed(Instant now) {
    backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
    nextSync = now.plus(backoff);
  }

  /** True while a pause after failures is running at {@code now}. */
  boolean pausedAt(Instant now) {
    return !backoff.isZero() && now.isBefore(nextSync);
  }

  /**
   * Whether to sync at {@code now}: the timer ran out, or something asks for a sync ({@code requested}, or a
   * held SVID whose renewal deadline {@code renewal}, null if none, has passed) and no pause is running.
   */
  boolean due(Instant now, boolean requested, Instant renewal) {
    if (!now.isBefore(nextSync)) {
      return true;
    }
    if (pausedAt(now)) {
      return false;
    }
    return requested || (renewal != null && !now.isBefore(renewal));
  }

  /** When the timer (or the pause) runs out. */
  Instant nextSync() {
    return nextSync;
  }

  /** The current pause after failures (zero after a success). */
  Duration backoff() {
    return backoff;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
