package dev.signet.attestors.node.k8s;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.signet.attestors.node.AttestationException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies a Kubernetes service account token locally, as SPIRE's {@code k8s_sat} does without the
 * TokenReview API: the signature must verify with one of the cluster's service account keys (RS/PS/ES 256 to
 * 512, nothing else), {@code exp} and {@code nbf}, when present, hold with five minutes of leeway for clock
 * skew, and the service account comes from either the legacy claims
 * ({@code kubernetes.io/serviceaccount/namespace}, {@code …/service-account.name}) or those of a bound token
 * ({@code kubernetes.io: {namespace, serviceaccount: {name}}}), never both.
 *
 * <p>Security: a legacy token must also carry the issuer the legacy token controller always writes,
 * {@code kubernetes/serviceaccount}, so that another kind of JWT signed with the same key (by a cluster
 * that signs other tokens with it) is not taken for a service account token. A bound token's issuer is the
 * cluster's own {@code --service-account-issuer} URL, which the key already pins; SPIRE checks neither.
 * Legacy tokens never expire and cannot be revoked short of deleting their secret: prefer {@code k8s_psat}.
 */
final class SatTokenVerifier {
  static final String LEGACY_ISSUER = "kubernetes/serviceaccount";
  static final Duration LEEWAY = Duration.ofMinutes(5);
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.PS256,
      JWSAlgorithm.PS384, JWSAlgorithm.PS512);
  private static final String LEGACY_NAMESPACE = "kubernetes.io/serviceaccount/namespace";
  private static final String LEGACY_NAME = "kubernetes.io/serviceaccount/service-account.name";
  private static final String BOUND = "kubernetes.io";
  private static final String NAME = SatNodeAttestor.NAME;

  private final Clock clock;

  SatTokenVerifier(Clock clock) {
    this.clock = clock;
  }

  /**
   * @return the token's service account
   * @throws AttestationException INVALID_ARGUMENT for a token that is not a JWS JWT of an allowed algorithm or
   *     has malformed claims, PERMISSION_DENIED for one no key verifies, expired, not yet valid or of
   *     another issuer
   */
  ServiceAccount verify(String token, List<PublicKey> keys) {
    return verify(token, keys, List.of());
  }

  /**
   * As {@link #verify(String, List)}, and a bound token must name one of {@code audiences} in {@code aud} when
   * any are configured (a projected token minted for another service must not attest an agent).
   */
  ServiceAccount verify(String token, List<PublicKey> keys, List<String> audiences) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw AttestationException.invalid(NAME + ": token is not a signed JWT: " + e.getMessage());
    }
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    if (!ALGORITHMS.contains(algorithm)) {
      throw AttestationException.invalid(NAME + ": token algorithm \"" + algorithm + "\" is not allowed");
    }
    if (keys.stream().noneMatch(key -> verifies(jwt, key))) {
      throw AttestationException.denied(NAME
          + ": token signature does not verify with the cluster's service account keys");
    }
    checkTimes(claims);
    if (claims.getClaim(BOUND) != null && !audiences.isEmpty()
        && audiences.stream().noneMatch(claims.getAudience()::contains)) {
      throw AttestationException.denied(NAME + ": bound token is for audiences " + claims.getAudience() + ", not "
          + audiences);
    }
    return serviceAccount(claims);
  }

  private static boolean verifies(SignedJWT jwt, PublicKey key) {
    try {
      JWSVerifier verifier = switch (key) {
        case RSAPublicKey rsa -> new RSASSAVerifier(rsa);
        case ECPublicKey ec -> new ECDSAVerifier(ec);
        default -> null;
      };
      return verifier != null && verifier.supportedJWSAlgorithms().contains(jwt.getHeader().getAlgorithm())
          && jwt.verify(verifier);
    } catch (JOSEException e) {
      return false; // a key of another type or curve: the next key may verify
    }
  }

  private void checkTimes(JWTClaimsSet claims) {
    Instant now = clock.instant();
    Date expiry = claims.getExpirationTime();
    if (expiry != null && now.isAfter(expiry.toInstant().plus(LEEWAY))) {
      throw AttestationException.denied(NAME + ": token expired at " + expiry.toInstant());
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.plus(LEEWAY).isBefore(notBefore.toInstant())) {
      throw AttestationException.denied(NAME + ": token is not valid before " + notBefore.toInstant());
    }
  }

  private static ServiceAccount serviceAccount(JWTClaimsSet claims) {
    try {
      String legacyNamespace = claims.getStringClaim(LEGACY_NAMESPACE);
      String legacyName = claims.getStringClaim(LEGACY_NAME);
      Map<String, Object> bound = claims.getJSONObjectClaim(BOUND);
      String boundNamespace = bound == null ? null : string(bound.get("namespace"));
      String boundName = bound != null && bound.get("serviceaccount") instanceof Map<?, ?> account
          ? string(account.get("name")) : null;
      String namespace = one(legacyNamespace, boundNamespace, "namespace");
      String name = one(legacyName, boundName, "service account name");
      if ((legacyNamespace != null || legacyName != null) && !LEGACY_ISSUER.equals(claims.getIssuer())) {
        throw AttestationException.denied(NAME + ": service account token issuer \"" + claims.getIssuer()
            + "\" is not \"" + LEGACY_ISSUER + "\"");
      }
      return new ServiceAccount(namespace, name);
    } catch (ParseException e) {
      throw AttestationException.invalid(NAME + ": malformed token claims: " + e.getMessage());
    }
  }

  private static String one(String legacy, String bound, String what) {
    if (legacy != null && !legacy.isEmpty() && bound != null && !bound.isEmpty()) {
      throw AttestationException.invalid(NAME + ": malformed token: " + what + " found in two claims");
    }
    String value = legacy != null && !legacy.isEmpty() ? legacy : bound;
    if (value == null || value.isEmpty()) {
      throw AttestationException.invalid(NAME + ": token has no " + what + " claim");
    }
    return value;
  }

  private static String string(Object value) {
    return value instanceof String text ? text : null;
  }
}
