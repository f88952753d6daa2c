package dev.signet.server.access;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.trust.TrustFactor;
import dev.signet.server.trust.TrustScore;
import dev.signet.server.trust.TrustScorer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /api/v1/trust/score?identity=…} → {@code {identity, score, factors[]}}. */
final class TrustResource {
  private final TrustScorer scorer;

  TrustResource(TrustScorer scorer) {
    this.scorer = scorer;
  }

  Map<String, Object> score(Optional<String> identity) {
    SpiffeId id = RequestInputs.spiffeId("identity", identity.orElse(null));
    return view(id, scorer.score(id));
  }

  static Map<String, Object> view(SpiffeId id, TrustScore score) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("identity", id.toString());
    body.put("score", score.score());
    body.put("factors", factors(score.factors()));
    return body;
  }

  private static List<Map<String, Object>> factors(List<TrustFactor> factors) {
    return factors.stream().map(f -> {
      Map<String, Object> factor = new LinkedHashMap<>();
      factor.put("name", f.name());
      factor.put("impact", f.impact());
      factor.put("detail", f.detail());
      return factor;
    }).toList();
  }
}
