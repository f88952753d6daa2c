package dev.signet.agent.helper;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code jwt_svids}: a JWT-SVID for {@code audience} (plus {@code extraAudiences}) kept fresh in
 * {@code fileName} (relative to {@code cert_dir}).
 */
public record JwtSvidTarget(String audience, List<String> extraAudiences, String fileName) {
  public JwtSvidTarget {
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(fileName, "fileName");
    extraAudiences = List.copyOf(extraAudiences);
  }

  /** The audiences sent to FetchJWTSVID: the main one first. */
  public List<String> audiences() {
    List<String> all = new ArrayList<>();
    all.add(audience);
    all.addAll(extraAudiences);
    return List.copyOf(all);
  }
}
