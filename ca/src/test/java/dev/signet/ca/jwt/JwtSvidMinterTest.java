package dev.signet.ca.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.signet.ca.CaException;
import dev.signet.ca.x509.CredentialValidator;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.JwtSvid;
import dev.signet.common.svid.JwtSvidClaims;
import dev.signet.common.svid.JwtSvidValidator;
import dev.signet.common.svid.SvidValidationException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JwtSvidMinterTest {
  static final TrustDomain TD = TrustDomain.parse("example.org");
  static final SpiffeId ID = SpiffeId.parse("spiffe://example.org/workload");
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  static JwtSigningAuthority authority(KeyType type, Duration lifetime) {
    return new JwtSigningAuthority("kid-" + type, type.generate(), NOW.plus(lifetime));
  }

  @Test
  void es256TokenVerifiesWithNimbusAndCommonsValidator() throws Exception {
    JwtSigningAuthority key = authority(KeyType.EC_P256, Duration.ofHours(24));

    JwtSvid svid = JwtSvidMinter.mint(key, ID, List.of("aud-1", "aud-2"), Duration.ofMinutes(5), "https://issuer", NOW);

    SignedJWT jwt = SignedJWT.parse(svid.token().reveal());
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.keyId());
    assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(jwt.verify(new ECDSAVerifier((ECPublicKey) key.publicKey()))).isTrue();
    var claims = jwt.getJWTClaimsSet();
    assertThat(claims.getSubject()).isEqualTo(ID.toString());
    assertThat(claims.getAudience()).containsExactly("aud-1", "aud-2");
    assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
    assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plus(Duration.ofMinutes(5))));
    assertThat(claims.getIssuer()).isEqualTo("https://issuer");
    assertThat(svid.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    assertThat(svid.issuedAt()).isEqualTo(NOW);

    Bundle bundle = Bundle.empty(TD).withJwtAuthority(key.toBundleAuthority());
    JwtSvidClaims validated = JwtSvidValidator.validate(svid.token().reveal(), BundleSource.of(bundle), "aud-2", NOW.plusSeconds(1));
    assertThat(validated.subject()).isEqualTo(ID);
    CredentialValidator.validateJwtSvid(svid, key);
  }

  @Test
  void aSingleAudienceIsStillAJsonArrayAndIssIsOptional() throws Exception {
    JwtSvid svid = JwtSvidMinter.mint(authority(KeyType.EC_P256, Duration.ofHours(1)), ID, List.of("only", ""),
        Duration.ofMinutes(5), null, NOW);
    Map<String, Object> payload = SignedJWT.parse(svid.token().reveal()).getPayload().toJSONObject();
    assertThat(payload.get("aud")).isEqualTo(List.of("only"));
    assertThat(payload).doesNotContainKey("iss");
  }

  @ParameterizedTest
  @CsvSource({"EC_P384, ES384", "RSA_2048, RS256"})
  void theAlgorithmFollowsTheKey(KeyType type, String algorithm) throws Exception {
    JwtSigningAuthority key = authority(type, Duration.ofHours(1));
    JwtSvid svid = JwtSvidMinter.mint(key, ID, List.of("a"), Duration.ofMinutes(5), null, NOW);
    SignedJWT jwt = SignedJWT.parse(svid.token().reveal());
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.parse(algorithm));
    assertThat(jwt.verify(type == KeyType.RSA_2048 ? new RSASSAVerifier((RSAPublicKey) key.publicKey())
        : new ECDSAVerifier((ECPublicKey) key.publicKey()))).isTrue();
  }

  @Test
  void expiryIsCappedAtTheKeys() throws Exception {
    JwtSigningAuthority key = authority(KeyType.EC_P256, Duration.ofMinutes(2));
    JwtSvid svid = JwtSvidMinter.mint(key, ID, List.of("a"), Duration.ofHours(1), null, NOW);
    assertThat(svid.expiresAt()).isEqualTo(key.notAfter());
    assertThat(SignedJWT.parse(svid.token().reveal()).getJWTClaimsSet().getExpirationTime()).isEqualTo(Date.from(key.notAfter()));
  }

  @Test
  void aTokenFromAnotherKeyDoesNotValidate() {
    JwtSigningAuthority key = authority(KeyType.EC_P256, Duration.ofHours(1));
    JwtSigningAuthority impostor = new JwtSigningAuthority(key.keyId(), KeyType.EC_P256.generate(), key.notAfter());
    JwtSvid forged = JwtSvidMinter.mint(impostor, ID, List.of("a"), Duration.ofMinutes(5), null, NOW);
    Bundle bundle = Bundle.empty(TD).withJwtAuthority(key.toBundleAuthority());
    assertThatThrownBy(() -> JwtSvidValidator.validate(forged.token().reveal(), BundleSource.of(bundle), "a", NOW))
        .isInstanceOf(SvidValidationException.class).hasMessageContaining("signature");
  }

  @Test
  void badInputsAreRefused() {
    JwtSigningAuthority key = authority(KeyType.EC_P256, Duration.ofHours(1));
    assertThatThrownBy(() -> JwtSvidMinter.mint(key, ID, List.of(""), Duration.ofMinutes(5), null, NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audience");
    assertThatThrownBy(() -> JwtSvidMinter.mint(key, ID, List.of("a"), Duration.ofSeconds(-1), null, NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JwtSvidMinter.mint(key, ID, List.of("a"), Duration.ofMinutes(5), null, key.notAfter()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expired");
  }

  @Test
  void theValidatorCatchesAMismatchedKid() {
    JwtSigningAuthority key = authority(KeyType.EC_P256, Duration.ofHours(1));
    JwtSvid svid = JwtSvidMinter.mint(key, ID, List.of("a"), Duration.ofMinutes(5), null, NOW);
    JwtSigningAuthority other = new JwtSigningAuthority("other", KeyType.EC_P256.generate(), key.notAfter());
    assertThatThrownBy(() -> CredentialValidator.validateJwtSvid(svid, other)).isInstanceOf(CaException.class)
        .hasMessageContaining("kid");
  }

  @Test
  void toStringHidesTheKey() {
    JwtSigningAuthority key = authority(KeyType.EC_P256, Duration.ofHours(1));
    assertThat(key.toString()).contains(key.keyId())
        .doesNotContain(java.util.Base64.getEncoder().encodeToString(key.privateKey().getEncoded()));
  }
}
