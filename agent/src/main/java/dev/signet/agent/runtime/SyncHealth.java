package dev.signet.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the agent's syncs with its server are going, for the health checks and the metrics: when the last one
 * succeeded, how many attempts failed since, and how many failed in all. The agent keeps serving the SVIDs it
 * holds while it cannot sync (workloads keep them as long as they are valid); this class only makes the
 * condition visible.
 *
 * <p>The sync is <em>stale</em> once no sync succeeded for {@link #threshold()}: three sync intervals, and at
 * least {@link #MIN_THRESHOLD} (twice the longest pause between retries, so one lost retry and a server that is
 * back but not yet retried do not make it flap). Before the first success it counts from the agent's start. A
 * stale sync makes the agent not ready ({@code ready_path} answers 503 with the reason, {@code healthcheck}
 * fails); it stays live, as SPIRE's agent does while its server is away: restarting it would only lose the
 * SVIDs it still serves.
 */
final class SyncHealth {
  /** The least time without a successful sync that makes the sync stale. */
  static final Duration MIN_THRESHOLD = SyncSchedule.MAX_BACKOFF.multipliedBy(2);

  private final Duration threshold;
  private final Instant startedAt;
  private volatile Instant lastSuccess;
  private final AtomicLong consecutiveFailures = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  SyncHealth(Duration syncInterval, Instant startedAt) {
    Duration threeIntervals = syncInterval.multipliedBy(3);
    this.threshold = threeIntervals.compareTo(MIN_THRESHOLD) > 0 ? threeIntervals : MIN_THRESHOLD;
    this.startedAt = startedAt;
  }

  /** How long without a successful sync makes the sync stale. */
  Duration threshold() {
    return threshold;
  }

  void succeeded(Instant now) {
    lastSuccess = now;
    consecutiveFailures.set(0);
  }

  void failed() {
    consecutiveFailures.incrementAndGet();
    failures.incrementAndGet();
  }

  /** When the last sync succeeded; empty before the first success. */
  Optional<Instant> lastSuccess() {
    return Optional.ofNullable(lastSuccess);
  }

  /** Failed attempts (syncs and agent SVID renewals) since the last success. */
  long consecutiveFailures() {
    return consecutiveFailures.get();
  }

  /** Failed attempts since the agent started. */
  long failures() {
    return failures.get();
  }

  /** Time since the last success (since the start before the first), never negative. */
  Duration sinceLastSuccess(Instant now) {
    Instant last = lastSuccess;
    Duration since = Duration.between(last == null ? startedAt : last, now);
    return since.isNegative() ? Duration.ZERO : since;
  }

  /** Why the sync is stale at {@code now}, or empty when it is not. */
  Optional<String> staleReason(Instant now) {
    Duration since = sinceLastSuccess(now);
    if (since.compareTo(threshold) <= 0) {
      return Optional.empty();
    }
    Instant last = lastSuccess;
    return Optional.of("no successful sync with the server for " + since.toSeconds() + " s (threshold "
        + threshold.toSeconds() + " s, " + consecutiveFailures.get() + " failed attempts"
        + (last == null ? ", none succeeded yet" : ", last success " + last) + "); serving cached svids");
  }
}
