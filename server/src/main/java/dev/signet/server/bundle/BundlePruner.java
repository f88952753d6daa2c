package dev.signet.server.bundle;

import dev.signet.common.bundle.Bundle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPIRE's bundle pruning: every {@link #INTERVAL} the server drops from its own trust domain's bundle the X.509
 * authorities and JWT keys that expired more than {@link #SAFETY_THRESHOLD} ago: its own old CAs, and in the nested
 * topology the upstream roots an {@code UpstreamAuthority "spire"} added (which are only ever added there, so without
 * this they would pile up across upstream rotations). The change is stored with the next sequence number and reaches
 * agents, workloads and federated peers like any other bundle change.
 *
 * <p>Security decision: a prune that would leave no X.509 authority, or no JWT key where there were some, is not
 * made (SPIRE halts it too): an empty bundle would make every SVID unverifiable, while an expired root verifies
 * nothing anyway. It is logged for the operator, whose CA then has a bigger problem than an old root.
 */
public final class BundlePruner {
  private static final Logger LOG = LoggerFactory.getLogger(BundlePruner.class);

  /** How often the own bundle is pruned (SPIRE's interval). */
  public static final Duration INTERVAL = Duration.ofHours(6);
  /** How long past its expiry an authority stays (SPIRE's threshold): clock skew and in-flight SVIDs. */
  public static final Duration SAFETY_THRESHOLD = Duration.ofHours(24);

  private final TrustBundles bundles;
  private final Clock clock;

  public BundlePruner(TrustBundles bundles, Clock clock) {
    this.bundles = bundles;
    this.clock = clock;
  }

  /** Prunes the own bundle now; returns whether anything was dropped. */
  public boolean pruneOwn() {
    Bundle before = bundles.own();
    Bundle after = bundles.updateOwn(bundle -> pruned(bundle, clock.instant().minus(SAFETY_THRESHOLD)));
    boolean changed = after.sequenceNumber() != before.sequenceNumber();
    if (changed) {
      LOG.info("pruned expired authorities from the bundle of {}: {} x509 and {} jwt authorities left",
          after.trustDomain(), after.x509Authorities().size(), after.jwtAuthorities().size());
    }
    return changed;
  }

  /** {@code bundle} without what expired before {@code cutoff}, or unchanged when that would empty it. */
  static Bundle pruned(Bundle bundle, Instant cutoff) {
    Bundle kept = bundle.withoutAuthoritiesExpiredBefore(cutoff);
    if (kept.x509Authorities().isEmpty() && !bundle.x509Authorities().isEmpty()) {
      LOG.warn("bundle pruning of {} halted: every x509 authority expired before {}", bundle.trustDomain(), cutoff);
      return bundle;
    }
    if (kept.jwtAuthorities().isEmpty() && !bundle.jwtAuthorities().isEmpty()) {
      LOG.warn("bundle pruning of {} halted: every jwt authority expired before {}", bundle.trustDomain(), cutoff);
      return bundle;
    }
    return kept;
  }
}
