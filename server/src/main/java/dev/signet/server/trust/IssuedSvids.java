package dev.signet.server.trust;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.api.svid.SvidIssuanceListener;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest X509-SVID this server process signed for each workload SPIFFE ID, and for which agent: the
 * "current SVID" of an identity and whether it is renewed on time. In memory, at most
 * {@value #MAX_IDENTITIES} identities.
 */
public final class IssuedSvids implements SvidIssuanceListener {
  static final int MAX_IDENTITIES = 100_000;

  /** One issued SVID. */
  public record Issued(BigInteger serial, Instant issuedAt, Instant notAfter, SpiffeId agentId) {}

  private final Map<SpiffeId, Issued> newest = new ConcurrentHashMap<>();
  private final Clock clock;

  public IssuedSvids(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void issued(SpiffeId spiffeId, SpiffeId agentId, BigInteger serialNumber, Instant notAfter) {
    if (newest.size() >= MAX_IDENTITIES && !newest.containsKey(spiffeId)) {
      return;
    }
    Issued issued = new Issued(serialNumber, clock.instant(), notAfter, agentId);
    newest.merge(spiffeId, issued, (old, now) -> now.issuedAt().isBefore(old.issuedAt()) ? old : now);
  }

  public Optional<Issued> newest(SpiffeId spiffeId) {
    return Optional.ofNullable(newest.get(spiffeId));
  }

  /** The workload's own rotation health, when this server has signed an SVID for it. */
  Optional<TrustFactor> rotationFactor(SpiffeId spiffeId, Instant now) {
    return newest(spiffeId).map(issued -> now.isBefore(issued.notAfter())
        ? new TrustFactor("workload_svid_rotation", 0, "X509-SVID valid until " + issued.notAfter() + " (issued to "
            + issued.agentId() + ")")
        : new TrustFactor("workload_svid_rotation", -15, "the newest X509-SVID expired at " + issued.notAfter()
            + " without a renewal (overdue)"));
  }
}
