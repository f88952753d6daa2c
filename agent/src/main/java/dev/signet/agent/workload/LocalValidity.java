package dev.signet.agent.workload;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When the agent renews an SVID it was just issued (X509-SVIDs, its own, JWT-SVIDs), and until when it holds it, on
 * the agent's own clock.
 *
 * <p>When that clock agrees with the certificate (it received the SVID between its NotBefore and its renewal
 * point), the certificate's own times are used: renewal at half of its lifetime, moved earlier by
 * {@code jitter}, and expiry at its NotAfter, as SPIRE does; but never sooner than a quarter of the lifetime
 * after receipt, so an agent a little ahead of its server (past the backdating, short of the renewal point) does
 * not renew every few seconds.
 *
 * <p>When it does not, the clocks of agent and server differ by more than the server's 10 s backdating: the
 * certificate is not valid yet on arrival (the agent is behind), or already past its renewal point or expired
 * (the agent is ahead). The certificate's times would then renew too late (after its real expiry) or on every
 * sync (a storm), and an SVID that is fresh would be dropped as expired. Such an SVID is fresh by construction
 * (it answers the CSR the agent sent in this call), so its lifetime is taken to start on receipt: renewal half
 * a lifetime (NotAfter minus NotBefore) after receipt, less {@code jitter}, and expiry a lifetime after
 * receipt. This schedules the agent's work only: what the agent serves is the certificate as issued, and
 * whether a peer with a skewed clock accepts it is up to that peer.
 *
 * @param renewAt when to ask for a new SVID
 * @param expiresAt when to stop holding this one
 * @param skewed true when the agent's clock disagreed with the certificate (see above)
 */
public record LocalValidity(Instant renewAt, Instant expiresAt, boolean skewed) {

  public LocalValidity {
    Objects.requireNonNull(renewAt, "renewAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /**
   * The schedule of a certificate valid from {@code notBefore} to {@code notAfter} received at {@code receivedAt}
   * (the agent's clock), renewed {@code jitter} before its half-life.
   */
  public static LocalValidity of(Instant notBefore, Instant notAfter, Instant receivedAt, Duration jitter) {
    Duration lifetime = Duration.between(notBefore, notAfter);
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("certificate lifetime from " + notBefore + " to " + notAfter
          + " is not positive");
    }
    if (jitter.isNegative() || jitter.compareTo(lifetime.dividedBy(2)) >= 0) {
      throw new IllegalArgumentException("renewal jitter " + jitter + " must be at least 0 and below half the "
          + "lifetime " + lifetime);
    }
    Duration half = lifetime.dividedBy(2).minus(jitter);
    Instant ownRenewal = notBefore.plus(half);
    if (!receivedAt.isBefore(notBefore) && receivedAt.isBefore(ownRenewal)) {
      Instant floor = receivedAt.plus(lifetime.dividedBy(4));
      return new LocalValidity(ownRenewal.isBefore(floor) ? floor : ownRenewal, notAfter, false);
    }
    return new LocalValidity(receivedAt.plus(half), receivedAt.plus(lifetime), true);
  }

}
