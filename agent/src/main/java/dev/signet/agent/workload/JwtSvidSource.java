package dev.signet.agent.workload;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.JwtSvid;
import java.util.List;

/**
 * Where the agent gets JWT-SVIDs: the server client (NewJWTSVID) in production, a fake in tests. The
 * Workload API calls it through {@link JwtSvidCache}, never directly.
 */
@FunctionalInterface
public interface JwtSvidSource {
  /**
   * Mints a JWT-SVID for a registration entry the agent is authorized for.
   *
   * @param audiences at least one audience
   * @throws JwtSvidUnavailableException when the server cannot be reached or refuses
   */
  JwtSvid fetch(String entryId, SpiffeId spiffeId, List<String> audiences);

  /** The server could not mint the JWT-SVID; the Workload API answers UNAVAILABLE. */
  final class JwtSvidUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JwtSvidUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }

    public JwtSvidUnavailableException(String message) {
      super(message);
    }
  }
}
