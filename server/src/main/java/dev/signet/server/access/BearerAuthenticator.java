package dev.signet.server.access;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.JwtSvidClaims;
import dev.signet.common.svid.JwtSvidValidator;
import dev.signet.common.svid.SvidValidationException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates REST callers by {@code Authorization: Bearer <JWT-SVID>}: the token must validate against
 * our own or a federated trust bundle (signature, {@code exp}, algorithm allow-list) and name one of the
 * configured audiences. A missing or bad token is 401; which of the two is told in the detail.
 */
final class BearerAuthenticator {
  private static final String BEARER = "Bearer ";

  private final BundleSource bundles;
  private final List<String> audiences;
  private final Clock clock;

  BearerAuthenticator(BundleSource bundles, List<String> audiences, Clock clock) {
    this.bundles = bundles;
    this.audiences = List.copyOf(audiences);
    this.clock = clock;
  }

  /** The caller's SPIFFE ID. */
  SpiffeId authenticate(Optional<String> authorization) {
    String header = authorization.orElseThrow(() -> Problem.unauthorized("a JWT-SVID bearer token is required"));
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw Problem.unauthorized("the Authorization header is not a Bearer token");
    }
    String token = header.substring(BEARER.length()).strip();
    SvidValidationException last = null;
    for (String audience : audiences) {
      try {
        JwtSvidClaims claims = JwtSvidValidator.validate(token, bundles, audience, clock.instant());
        return claims.subject();
      } catch (SvidValidationException e) {
        last = e;
      }
    }
    throw Problem.unauthorized("the bearer token is not a valid JWT-SVID for this API"
        + (last == null ? "" : ": " + last.getMessage()));
  }
}
