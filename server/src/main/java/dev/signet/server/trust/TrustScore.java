package dev.signet.server.trust;

import java.util.List;

/**
 * A trust score from 0 (no trust) to 100 and the factors that produced it: 100 plus the factors' impacts,
 * clamped, or 0 outright when a factor {@link #VETO vetoes} (a banned node).
 */
public record TrustScore(int score, List<TrustFactor> factors) {
  /** The impact that forces a score of 0 whatever the other factors say. */
  public static final int VETO = -1000;

  public TrustScore {
    factors = List.copyOf(factors);
  }

  /** Sums {@code factors} onto a base of 100. */
  public static TrustScore of(List<TrustFactor> factors) {
    int score = 100;
    for (TrustFactor factor : factors) {
      score += factor.impact();
    }
    return new TrustScore(Math.clamp(score, 0, 100), factors);
  }
}
