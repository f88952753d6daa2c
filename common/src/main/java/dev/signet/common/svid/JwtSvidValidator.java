package dev.signet.common.svid;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.SpiffeId;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * Validates JWT-SVIDs (JWT-SVID specification §2–§4 and Appendix A). Checked in this order, so nothing from
 * an unauthenticated token is trusted before its signature is: compact JWS only; {@code alg} in the RS/ES/PS
 * allow-list (so never {@code none} or HMAC); {@code typ}, if present, {@code JWT} or {@code JOSE};
 * {@code kid} present; {@code sub} a SPIFFE ID; the key found by {@code kid} in the bundle of the
 * {@code sub}'s own trust domain; the signature; then {@code exp} present and in the future, {@code nbf}
 * (if any) not in the future, and {@code aud} present and containing the expected audience.
 */
public final class JwtSvidValidator {
  /** The algorithms JWT-SVID §2.1 allows. */
  public static final Set<JWSAlgorithm> ALLOWED_ALGORITHMS = Set.of(
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
      JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

  private JwtSvidValidator() {}

  /** Validates {@code token} for {@code audience} at time {@code now}; throws {@link SvidValidationException}. */
  public static JwtSvidClaims validate(String token, BundleSource bundles, String audience, Instant now) {
    SignedJWT jwt = parse(token);
    JWSHeader header = jwt.getHeader();
    if (!ALLOWED_ALGORITHMS.contains(header.getAlgorithm())) {
      throw new SvidValidationException("jwt-svid algorithm \"" + header.getAlgorithm() + "\" is not allowed");
    }
    JOSEObjectType type = header.getType();
    if (type != null && !type.getType().equals("JWT") && !type.getType().equals("JOSE")) {
      throw new SvidValidationException("jwt-svid typ \"" + type + "\" must be JWT or JOSE");
    }
    String keyId = header.getKeyID();
    if (keyId == null || keyId.isEmpty()) {
      throw new SvidValidationException("jwt-svid header has no kid");
    }
    JWTClaimsSet claims = claims(jwt);
    SpiffeId subject = subject(claims);
    Bundle bundle = bundles.bundleFor(subject.trustDomain()).orElseThrow(() -> new SvidValidationException(
        "jwt-svid \"" + subject + "\": no bundle for trust domain \"" + subject.trustDomain() + "\""));
    JwtAuthority authority = bundle.findJwtAuthority(keyId).orElseThrow(() -> new SvidValidationException(
        "jwt-svid \"" + subject + "\": no jwt authority with key id \"" + keyId + "\" in the bundle of \""
            + subject.trustDomain() + "\""));
    verifySignature(jwt, authority, subject);
    return checkClaims(claims, subject, audience, now);
  }

  private static SignedJWT parse(String token) {
    JWT jwt;
    try {
      jwt = JWTParser.parse(token == null ? "" : token);
    } catch (ParseException e) {
      throw new SvidValidationException("jwt-svid is malformed: " + e.getMessage(), e);
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new SvidValidationException("jwt-svid must be a signed JWS; got a " + jwt.getClass().getSimpleName()
          + " with alg \"" + jwt.getHeader().getAlgorithm() + "\"");
    }
    return signed;
  }

  private static JWTClaimsSet claims(SignedJWT jwt) {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new SvidValidationException("jwt-svid claims are malformed: " + e.getMessage(), e);
    }
  }

  private static SpiffeId subject(JWTClaimsSet claims) {
    String sub = claims.getSubject();
    if (sub == null || sub.isEmpty()) {
      throw new SvidValidationException("jwt-svid has no sub claim");
    }
    try {
      return SpiffeId.parse(sub);
    } catch (InvalidSpiffeIdException e) {
      throw new SvidValidationException("jwt-svid sub is not a spiffe id: " + e.getMessage(), e);
    }
  }

  private static void verifySignature(SignedJWT jwt, JwtAuthority authority, SpiffeId subject) {
    JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
    String where = "jwt-svid \"" + subject + "\" (kid \"" + authority.keyId() + "\", alg " + algorithm + ")";
    PublicKey key = authority.publicKey();
    try {
      JWSVerifier verifier = JwsVerifiers.forKey(key).orElseThrow(
          () -> new SvidValidationException(where + ": unsupported " + key.getAlgorithm() + " key"));
      if (!verifier.supportedJWSAlgorithms().contains(algorithm)) {
        throw new SvidValidationException(where + ": the algorithm does not fit the " + key.getAlgorithm() + " key");
      }
      if (!jwt.verify(verifier)) {
        throw new SvidValidationException(where + ": signature does not verify");
      }
    } catch (JOSEException e) {
      throw new SvidValidationException(where + ": signature cannot be verified: " + e.getMessage(), e);
    }
  }

  private static JwtSvidClaims checkClaims(JWTClaimsSet claims, SpiffeId subject, String audience, Instant now) {
    String where = "jwt-svid \"" + subject + "\"";
    Date expiry = claims.getExpirationTime();
    if (expiry == null) {
      throw new SvidValidationException(where + " has no exp claim");
    }
    if (!expiry.toInstant().isAfter(now)) {
      throw new SvidValidationException(where + " expired at " + expiry.toInstant());
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && notBefore.toInstant().isAfter(now)) {
      throw new SvidValidationException(where + " is not valid before " + notBefore.toInstant());
    }
    if (claims.getAudience().isEmpty()) {
      throw new SvidValidationException(where + " has no aud claim");
    }
    if (!claims.getAudience().contains(audience)) {
      throw new SvidValidationException(where + " audience " + claims.getAudience() + " does not include \""
          + audience + "\"");
    }
    return new JwtSvidClaims(subject, claims.getAudience(), expiry.toInstant(), claims.toJSONObject());
  }
}
