package dev.signet.common.svid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwtSvidValidatorTest {
  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final String SUB = "spiffe://example.org/workload";
  private static final KeyPair P256 = KeyType.EC_P256.generate();
  private static final KeyPair P384 = KeyType.EC_P384.generate();
  private static final KeyPair P521 = p521();
  private static final KeyPair RSA = KeyType.RSA_2048.generate();
  private static final BundleSource BUNDLES = BundleSource.of(
      Bundle.empty(TrustDomain.parse("example.org"))
          .withJwtAuthority(JwtAuthority.of("p256", P256.getPublic()))
          .withJwtAuthority(JwtAuthority.of("p384", P384.getPublic()))
          .withJwtAuthority(JwtAuthority.of("p521", P521.getPublic()))
          .withJwtAuthority(JwtAuthority.of("rsa", RSA.getPublic()))
          .withJwtAuthorityTainted("rsa"),
      Bundle.empty(TrustDomain.parse("other.org"))
          .withJwtAuthority(JwtAuthority.of("other", KeyType.EC_P256.generate().getPublic())));

  static Stream<Arguments> allowedAlgorithms() {
    return Stream.of(
        Arguments.of(JWSAlgorithm.ES256, "p256"), Arguments.of(JWSAlgorithm.ES384, "p384"),
        Arguments.of(JWSAlgorithm.ES512, "p521"), Arguments.of(JWSAlgorithm.RS256, "rsa"),
        Arguments.of(JWSAlgorithm.RS384, "rsa"), Arguments.of(JWSAlgorithm.RS512, "rsa"),
        Arguments.of(JWSAlgorithm.PS256, "rsa"), Arguments.of(JWSAlgorithm.PS384, "rsa"),
        Arguments.of(JWSAlgorithm.PS512, "rsa"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allowedAlgorithms")
  void acceptsEveryAllowedAlgorithm(JWSAlgorithm algorithm, String kid) {
    String token = sign(new JWSHeader.Builder(algorithm).keyID(kid).type(JOSEObjectType.JWT).build(), claims().build());
    JwtSvidClaims result = JwtSvidValidator.validate(token, BUNDLES, "api", NOW);
    assertThat(result.subject()).hasToString(SUB);
    assertThat(result.audience()).containsExactly("api");
    assertThat(result.expiresAt()).isEqualTo(NOW.plusSeconds(300));
    assertThat(result.claims()).containsEntry("sub", SUB).containsEntry("exp", NOW.plusSeconds(300).getEpochSecond());
  }

  static Stream<Arguments> rejected() {
    return Stream.<Arguments>of(
        reject("typ other than JWT/JOSE", h -> h.type(new JOSEObjectType("at+jwt")), c -> c, "typ \"at+jwt\""),
        reject("no kid", h -> h.keyID(null), c -> c, "header has no kid"),
        reject("empty kid", h -> h.keyID(""), c -> c, "header has no kid"),
        reject("unknown kid", h -> h.keyID("nope"), c -> c, "no jwt authority with key id \"nope\""),
        reject("kid of another domain's key", h -> h.keyID("other"), c -> c, "no jwt authority with key id \"other\""),
        reject("sub in another domain", h -> h, c -> c.subject("spiffe://other.org/w"),
            "no jwt authority with key id \"p256\" in the bundle of \"other.org\""),
        reject("sub in an unknown domain", h -> h, c -> c.subject("spiffe://nowhere.org/w"),
            "no bundle for trust domain \"nowhere.org\""),
        reject("no sub", h -> h, c -> c.subject(null), "has no sub claim"),
        reject("sub not a spiffe id", h -> h, c -> c.subject("web"), "sub is not a spiffe id"),
        reject("sub with upper-case trust domain", h -> h, c -> c.subject("spiffe://Example.org/w"),
            "sub is not a spiffe id"),
        reject("no exp", h -> h, c -> c.expirationTime(null), "has no exp claim"),
        reject("exp in the past", h -> h, c -> c.expirationTime(date(NOW.minusSeconds(1))), "expired at"),
        reject("exp exactly now", h -> h, c -> c.expirationTime(date(NOW)), "expired at"),
        reject("nbf in the future", h -> h, c -> c.notBeforeTime(date(NOW.plusSeconds(10))), "not valid before"),
        reject("no aud", h -> h, c -> c.audience(List.of()), "has no aud claim"),
        reject("another aud", h -> h, c -> c.audience("billing"), "does not include \"api\""));
  }

  private static Arguments reject(String name, UnaryOperator<JWSHeader.Builder> header,
      UnaryOperator<JWTClaimsSet.Builder> claims, String message) {
    return Arguments.of(name, header, claims, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void rejectsTokensOutsideTheSpec(String name, UnaryOperator<JWSHeader.Builder> header,
      UnaryOperator<JWTClaimsSet.Builder> claims, String message) {
    String token = sign(header.apply(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p256")).build(),
        claims.apply(claims()).build());
    assertThatThrownBy(() -> JwtSvidValidator.validate(token, BUNDLES, "api", NOW))
        .isInstanceOf(SvidValidationException.class).hasMessageContaining(message);
  }

  @Test
  void acceptsJoseTypNoTypAndSeveralAudiences() {
    String jose = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p256").type(JOSEObjectType.JOSE).build(),
        claims().audience(List.of("web", "api")).build());
    assertThat(JwtSvidValidator.validate(jose, BUNDLES, "api", NOW).audience()).containsExactly("web", "api");
    String bare = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p256").build(), claims().build());
    assertThat(JwtSvidValidator.validate(bare, BUNDLES, "api", NOW).subject()).hasToString(SUB);
  }

  @Test
  void rejectsUnsignedAndHmacTokens() throws JOSEException {
    String none = new PlainJWT(claims().build()).serialize();
    assertThatThrownBy(() -> JwtSvidValidator.validate(none, BUNDLES, "api", NOW))
        .hasMessageContaining("must be a signed JWS").hasMessageContaining("alg \"none\"");
    // Algorithm confusion: an HMAC keyed with the authority's public key bytes.
    SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("p256").build(), claims().build());
    hmac.sign(new MACSigner(P256.getPublic().getEncoded()));
    assertThatThrownBy(() -> JwtSvidValidator.validate(hmac.serialize(), BUNDLES, "api", NOW))
        .hasMessage("jwt-svid algorithm \"HS256\" is not allowed");
  }

  @Test
  void rejectsAnAlgorithmThatDoesNotFitTheKey() {
    String es384OnP256 = sign(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID("p384").build(), claims().build());
    String relabelled = es384OnP256.replaceFirst("^[^.]+",
        com.nimbusds.jose.util.Base64URL.encode("{\"alg\":\"ES384\",\"kid\":\"p256\"}").toString());
    assertThatThrownBy(() -> JwtSvidValidator.validate(relabelled, BUNDLES, "api", NOW))
        .hasMessageContaining("does not fit the EC key");
    String rsaAsEc = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("p256").build(), claims().build(),
        RSA.getPrivate());
    assertThatThrownBy(() -> JwtSvidValidator.validate(rsaAsEc, BUNDLES, "api", NOW))
        .hasMessageContaining("does not fit the EC key");
  }

  @Test
  void rejectsTamperedAndMalformedTokens() {
    String token = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p256").build(), claims().build());
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + com.nimbusds.jose.util.Base64URL.encode(
        claims().subject("spiffe://example.org/admin").build().toString()) + "." + parts[2];
    assertThatThrownBy(() -> JwtSvidValidator.validate(forged, BUNDLES, "api", NOW))
        .hasMessageContaining("\"spiffe://example.org/admin\"").hasMessageContaining("signature does not verify");
    String otherKey = sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("p256").build(), claims().build(),
        KeyType.EC_P256.generate().getPrivate());
    assertThatThrownBy(() -> JwtSvidValidator.validate(otherKey, BUNDLES, "api", NOW))
        .hasMessageContaining("signature does not verify");
    assertThatThrownBy(() -> JwtSvidValidator.validate("not-a-token", BUNDLES, "api", NOW))
        .hasMessageStartingWith("jwt-svid is malformed");
    assertThatThrownBy(() -> JwtSvidValidator.validate(null, BUNDLES, "api", NOW))
        .hasMessageStartingWith("jwt-svid is malformed");
    String notJson = parts[0] + "." + com.nimbusds.jose.util.Base64URL.encode("[1,2]") + "." + parts[2];
    assertThatThrownBy(() -> JwtSvidValidator.validate(notJson, BUNDLES, "api", NOW))
        .isInstanceOf(SvidValidationException.class);
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().subject(SUB).audience("api").expirationTime(date(NOW.plusSeconds(300)))
        .issueTime(date(NOW.minusSeconds(10)));
  }

  private static Date date(Instant instant) {
    return Date.from(instant);
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims) {
    PrivateKey key = switch (header.getKeyID() == null ? "p256" : header.getKeyID()) {
      case "p384" -> P384.getPrivate();
      case "p521" -> P521.getPrivate();
      case "rsa" -> RSA.getPrivate();
      default -> P256.getPrivate();
    };
    return sign(header, claims, key);
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims, PrivateKey key) {
    try {
      JWSSigner signer = key instanceof java.security.interfaces.ECPrivateKey ec ? new ECDSASigner(ec)
          : new RSASSASigner(key);
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair p521() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp521r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
