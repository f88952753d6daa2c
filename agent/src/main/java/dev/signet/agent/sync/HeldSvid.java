package dev.signet.agent.sync;

import dev.signet.agent.workload.LocalValidity;
import dev.signet.common.svid.X509Svid;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An entry with the X509-SVID the agent holds for it, the instant it should be renewed and the instant the
 * agent stops holding it, both on the agent's clock ({@link LocalValidity}): renewal before half of its lifetime,
 * moved earlier by up to a tenth of the lifetime at random, so a fleet of agents does not renew in lock step.
 *
 * @param retrying true once a renewal was refused: the SVID is then asked for again at {@code renewAt},
 *     not on every sync (also when its authority is tainted)
 */
record HeldSvid(AuthorizedEntry entry, X509Svid svid, Instant renewAt, Instant expiresAt, boolean retrying) {

  /** An SVID the server issued now, received at {@code receivedAt} on the agent's clock. */
  static HeldSvid issued(AuthorizedEntry entry, X509Svid svid, Instant receivedAt) {
    Instant notBefore = svid.chain().getFirst().getNotBefore().toInstant();
    Instant notAfter = svid.chain().getFirst().getNotAfter().toInstant();
    Duration lifetime = lifetimeOf(svid);
    long jitterMillis = ThreadLocalRandom.current().nextLong(Math.max(1, lifetime.toMillis() / 10));
    LocalValidity validity = LocalValidity.of(notBefore, notAfter, receivedAt, Duration.ofMillis(jitterMillis));
    return new HeldSvid(entry, svid, validity.renewAt(), validity.expiresAt(), false);
  }

  /**
   * An SVID kept by an earlier run of the agent: when it was received is not known, so the certificate's own
   * times apply.
   */
  static HeldSvid restored(AuthorizedEntry entry, X509Svid svid) {
    return issued(entry, svid, svid.chain().getFirst().getNotBefore().toInstant());
  }

  /** This SVID with its renewal moved to {@code earliest} when that is later than the current renewal point. */
  HeldSvid retryNoEarlierThan(Instant earliest) {
    return new HeldSvid(entry, svid, earliest.isAfter(renewAt) ? earliest : renewAt, expiresAt, true);
  }

  boolean dueAt(Instant now) {
    return !now.isBefore(renewAt);
  }

  /**
   * The latest instant a sync renewing this SVID may wait for: a tenth of its lifetime (the span of the renewal
   * jitter) after its renewal point, or the retry point itself after a refusal. Until then the periodic sync renews
   * it, together with every other SVID that fell due since the last one, instead of a sync of its own.
   */
  Instant renewalDeadline() {
    if (retrying) {
      return renewAt;
    }
    return renewAt.plus(lifetimeOf(svid).dividedBy(10));
  }

  /** NotBefore to NotAfter of the leaf: the span the renewal jitter and the renewal deadline are tenths of. */
  private static Duration lifetimeOf(X509Svid svid) {
    X509Certificate leaf = svid.chain().getFirst();
    return Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
  }
}
