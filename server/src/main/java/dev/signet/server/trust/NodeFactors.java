package dev.signet.server.trust;

import dev.signet.datastore.AttestedNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node half of trust: how strongly an agent proved its node, how long ago, whether its SVID rotates on
 * time, whether it keeps in touch, and its bans and evictions.
 */
final class NodeFactors {
  /** Points taken for each attestation method: hardware roots first, shared secrets last. */
  private static final Map<String, Integer> ATTESTATION_STRENGTH = Map.of(
      "tpm", 0, "aws_iid", -10, "gcp_iit", -10, "azure_msi", -10, "k8s_psat", -10,
      "x509pop", -20, "k8s_sat", -20, "join_token", -30);
  private static final int UNKNOWN_ATTESTATION = -25;
  static final Duration OLD_ATTESTATION = Duration.ofDays(30);
  static final Duration SYNC_LATE = Duration.ofMinutes(5);
  static final Duration SYNC_LOST = Duration.ofHours(1);

  private NodeFactors() {}

  static List<TrustFactor> of(AttestedNode node, NodeHistory.Record history, Instant now) {
    List<TrustFactor> factors = new ArrayList<>();
    if (node.banned()) {
      factors.add(new TrustFactor("banned", TrustScore.VETO, "the agent " + node.spiffeId() + " is banned"));
    }
    String type = node.attestationDataType();
    factors.add(new TrustFactor("attestation_strength", ATTESTATION_STRENGTH.getOrDefault(type, UNKNOWN_ATTESTATION),
        "node attested with " + type));
    factors.add(attestationAge(node, history, now));
    factors.add(rotation(node, now));
    factors.add(syncFreshness(history, now));
    if (history.evictions() > 0) {
      factors.add(new TrustFactor("evictions", Math.max(-30, -10 * history.evictions()),
          "evicted " + history.evictions() + " time(s) since the server started"));
    }
    return factors;
  }

  private static TrustFactor attestationAge(AttestedNode node, NodeHistory.Record history, Instant now) {
    if (node.canReattest()) {
      return new TrustFactor("attestation_age", 0, "re-attests with fresh evidence instead of renewing"
          + (history.reattestations() > 0 ? " (" + history.reattestations() + " re-attestation(s) seen)" : ""));
    }
    if (history.attestedAt() == null) {
      return new TrustFactor("attestation_age", -5, "trust on first use; attested before the server started");
    }
    Duration age = Duration.between(history.attestedAt(), now);
    return age.compareTo(OLD_ATTESTATION) > 0
        ? new TrustFactor("attestation_age", -10, "trust on first use, attested " + age.toDays() + " days ago")
        : new TrustFactor("attestation_age", -5, "trust on first use, attested " + age.toHours() + " h ago");
  }

  private static TrustFactor rotation(AttestedNode node, Instant now) {
    if (node.certNotAfter() == null) {
      return new TrustFactor("svid_rotation", -25, "the agent holds no SVID");
    }
    if (!now.isBefore(node.certNotAfter())) {
      return new TrustFactor("svid_rotation", -25, "agent SVID expired at " + node.certNotAfter()
          + " without a renewal (overdue)");
    }
    return new TrustFactor("svid_rotation", 0, "agent SVID valid until " + node.certNotAfter());
  }

  private static TrustFactor syncFreshness(NodeHistory.Record history, Instant now) {
    if (history.lastSeen() == null) {
      return new TrustFactor("sync_freshness", 0, "not in touch since the server started");
    }
    Duration silent = Duration.between(history.lastSeen(), now);
    if (silent.compareTo(SYNC_LOST) > 0) {
      return new TrustFactor("sync_freshness", -25, "silent for " + silent.toMinutes() + " min");
    }
    if (silent.compareTo(SYNC_LATE) > 0) {
      return new TrustFactor("sync_freshness", -10, "silent for " + silent.toMinutes() + " min");
    }
    return new TrustFactor("sync_freshness", 0, "last contact " + silent.toSeconds() + " s ago");
  }
}
