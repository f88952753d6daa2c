package dev.signet.server.access;

import dev.signet.common.bundle.Bundle;
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
 *
 * <p>Security: both are verified against the bundles without their tainted authorities. Elsewhere a
 * tainted authority still verifies (taint means "rotate away", so agents keep working while they rotate),
 * but an access decision must not rest on a key an operator suspects is compromised: a certificate or token
 * it signed is refused from the next request on, on kept-alive connections too and for tokens verified
 * before the taint. Legitimate callers are not locked out for long: their agents drop SVIDs signed by a
 * tainted authority and fetch new ones as soon as the bundle change reaches them.
 */
final class CallerAuthenticator {
  private static final String BEARER = "Bearer ";

  private final BundleSource bundles;
  private final BundleSource untainted;
  private final List<String> audiences;
  private final Clock clock;
  private final VerifiedTokens verified;

  CallerAuthenticator(BundleSource bundles, List<String> audiences, Clock clock) {
    this.bundles = bundles;
    this.untainted = trustDomain -> bundles.bundleFor(trustDomain).map(Bundle::withoutTaintedAuthorities);
    this.audiences = List.copyOf(audiences);
    this.clock = clock;
    this.verified = new VerifiedTokens(untainted);
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
        return X509SvidValidator.verify(chain, untainted, clock.instant());
      } catch (SvidValidationException e) {
        if (verifies(() -> X509SvidValidator.verify(chain, bundles, clock.instant()))) {
          throw Problem.unauthorized("the client certificate was signed by a tainted authority; present an "
              + "X509-SVID issued since the taint");
        }
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
        JwtSvidClaims claims = JwtSvidValidator.validate(token, untainted, audience, clock.instant());
        verified.remember(token, claims);
        return claims.subject();
      } catch (SvidValidationException e) {
        if (verifies(() -> JwtSvidValidator.validate(token, bundles, audience, clock.instant()))) {
          throw Problem.unauthorized("the bearer token was signed by a tainted key; present a JWT-SVID issued "
              + "since the taint");
        }
        last = e;
      }
    }
    throw Problem.unauthorized("the bearer token is not a valid JWT-SVID for this API"
        + (last == null ? "" : ": " + last.getMessage()));
  }

  /** Whether {@code check} passes: asked only after the untainted check failed, to name the reason. */
  private static boolean verifies(Runnable check) {
    try {
      check.run();
      return true;
    } catch (SvidValidationException e) {
      return false;
    }
  }
}
