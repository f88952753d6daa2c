package dev.signet.agent.sync;

import dev.signet.common.svid.X509Svid;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, at most once per {@link #INTERVAL}, that an SVID arrived outside the window its certificate implies on
 * this host's clock ({@link LocalValidity}): the clocks of agent and server disagree, and workloads on a host
 * whose clock is behind will see fresh SVIDs as not yet valid. The agent still renews on time (on its own
 * clock from receipt); only the operator can fix the clocks.
 */
final class ClockSkewLog {
  private static final Logger LOG = LoggerFactory.getLogger(ClockSkewLog.class);
  static final Duration INTERVAL = Duration.ofMinutes(10);

  private Instant lastWarned;

  /** Logs the skew seen in {@code svid} of {@code entry}, received at {@code receivedAt}, unless logged recently. */
  synchronized boolean warn(AuthorizedEntry entry, X509Svid svid, Instant receivedAt) {
    if (lastWarned != null && receivedAt.isBefore(lastWarned.plus(INTERVAL)) && !receivedAt.isBefore(lastWarned)) {
      return false;
    }
    lastWarned = receivedAt;
    Instant notBefore = svid.leaf().getNotBefore().toInstant();
    LOG.warn("clock skew: the x509-svid of entry {} ({}) is valid from {} to {} but arrived at {} on this host's "
            + "clock (its NotBefore is {} s ahead of this clock); renewing it on this clock from its receipt. "
            + "Check the time synchronization of agent and server hosts", entry.id(), entry.spiffeId(), notBefore,
        svid.expiresAt(), receivedAt, Duration.between(receivedAt, notBefore).toSeconds());
    return true;
  }
}
