package dev.signet.agent.sync;

import dev.signet.common.svid.X509Svid;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An entry with the X509-SVID the agent holds for it and the instant it should be renewed: before half
 * of its lifetime, moved earlier by up to a tenth of the lifetime at random, so a fleet of agents does
 * not renew in lock step.
 */
record HeldSvid(AuthorizedEntry entry, X509Svid svid, Instant renewAt) {

  static HeldSvid issued(AuthorizedEntry entry, X509Svid svid) {
    Instant notBefore = svid.chain().getFirst().getNotBefore().toInstant();
    Instant notAfter = svid.chain().getFirst().getNotAfter().toInstant();
    Duration lifetime = Duration.between(notBefore, notAfter);
    long jitterMillis = ThreadLocalRandom.current().nextLong(Math.max(1, lifetime.toMillis() / 10));
    return new HeldSvid(entry, svid, notBefore.plus(lifetime.dividedBy(2)).minusMillis(jitterMillis));
  }

  /** This SVID with its renewal moved to {@code earliest} when that is later than the current renewal point. */
  HeldSvid retryNoEarlierThan(Instant earliest) {
    return earliest.isAfter(renewAt) ? new HeldSvid(entry, svid, earliest) : this;
  }

  boolean dueAt(Instant now) {
    return !now.isBefore(renewAt);
  }
}
