package dev.signet.server.access;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.JwtSvidClaims;
import dev.signet.common.svid.JwtSvidValidator;
import dev.signet.common.svid.SvidValidationException;
import dev.signet.common.svid.X509SvidValidator;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Authenticates REST callers by an X509-SVID client certificate (on the TLS listener, where the handshake
 * has already verified the chain against our own and the federated bundles) or else by
 * {@code Authorization: Bearer <JWT-SVID>}: the token must validate against our own or a federated trust
 * bundle (signature, {@code exp}, algorithm allow-list) and name one of the configured audiences. A
 * missing or bad token is 401; which of the two is told in the detail.
 */
final class CallerAuthenticator {
  private static final String BEARER = "Bearer ";

  private final BundleSource bundles;
  private final List<String> audiences;
  private final Clock clock;
  private final VerifiedTokens verified;

  CallerAuthenticator(BundleSource bundles, List<String> audiences, Clock clock) {
    this.bundles = bundles;
    this.audiences = List.copyOf(audiences);
    this.clock = clock;
    this.verified = new VerifiedTokens(bundles);
  }

  /** The caller's SPIFFE ID, from its verified client certificate or else its bearer token. */
  SpiffeId authenticate(ServerRequest request) {
    Optional<Certificate[]> peer = request.remotePeer().tlsCertificates();
    if (peer.isPresent() && peer.get().length > 0) {
      // Verified in the handshake, and again per request: a kept-alive connection must not outlive the
      // certificate's expiry or the removal of its authority from the bundle.
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate certificate : peer.get()) {
        if (certificate instanceof X509Certificate x509) {
          chain.add(x509);
        }
      }
      try {
        return X509SvidValidator.verify(chain, bundles, clock.instant());
      } catch (SvidValidationException e) {
        throw Problem.unauthorized("the client certificate is not a valid X509-SVID: " + e.getMessage());
      }
    }
    return bearer(request.headers().first(HeaderNames.AUTHORIZATION));
  }

  private SpiffeId bearer(Optional<String> authorization) {
    String header = authorization.orElseThrow(() -> Problem.unauthorized("a JWT-SVID bearer token is required"));
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw Problem.unauthorized("the Authorization header is not a Bearer token");
    }
    String token = header.substring(BEARER.length()).strip();
    Optional<SpiffeId> known = verified.lookup(token, clock.instant());
    if (known.isPresent()) {
      return known.get();
    }
    SvidValidationException last = null;
    for (String audience : audiences) {
      try {
        JwtSvidClaims claims = JwtSvidValidator.validate(token, bundles, audience, clock.instant());
        verified.remember(token, claims);
        return claims.subject();
      } catch (SvidValidationException e) {
        last = e;
      }
    }
    throw Problem.unauthorized("the bearer token is not a valid JWT-SVID for this API"
        + (last == null ? "" : ": " + last.getMessage()));
  }
}
