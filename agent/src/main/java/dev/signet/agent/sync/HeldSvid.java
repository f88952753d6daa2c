package dev.signet.agent.sync;

import dev.signet.common.svid.X509Svid;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An entry with the X509-SVID the agent holds for it and the instant it should be renewed: before half
 * of its lifetime, moved earlier by up to a tenth of the lifetime at random, so a fleet of agents does
 * not renew in lock step.
 *
 * @param retrying true once a renewal was refused: the SVID is then asked for again at {@code renewAt},
 *     not on every sync (also when its authority is tainted)
 */
record HeldSvid(AuthorizedEntry entry, X509Svid svid, Instant renewAt, boolean retrying) {

  static HeldSvid issued(AuthorizedEntry entry, X509Svid svid) {
    Instant notBefore = svid.chain().getFirst().getNotBefore().toInstant();
    Instant notAfter = svid.chain().getFirst().getNotAfter().toInstant();
    Duration lifetime = Duration.between(notBefore, notAfter);
    long jitterMillis = ThreadLocalRandom.current().nextLong(Math.max(1, lifetime.toMillis() / 10));
    return new HeldSvid(entry, svid, notBefore.plus(lifetime.dividedBy(2)).minusMillis(jitterMillis), false);
  }

  /** This SVID with its renewal moved to {@code earliest} when that is later than the current renewal point. */
  HeldSvid retryNoEarlierThan(Instant earliest) {
    return new HeldSvid(entry, svid, earliest.isAfter(renewAt) ? earliest : renewAt, true);
  }

  boolean dueAt(Instant now) {
    return !now.isBefore(renewAt);
  }
}
