package dev.signet.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.JwtSvidClaims;
import dev.signet.common.svid.JwtSvidValidator;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A remembered token stands only while it is unexpired and its key is still in the bundle. */
class VerifiedTokensTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final SpiffeId CALLER = TD.id("/ops/console");
  private static final Instant NOW = Instant.now();

  private final KeyPair key = KeyType.EC_P256.generate();
  private final JwtAuthority authority = new JwtAuthority("k1", key.getPublic(), NOW.plusSeconds(86_400), false);
  private final AtomicReference<Bundle> bundle = new AtomicReference<>(Bundle.empty(TD).withJwtAuthority(authority));
  private final VerifiedTokens tokens = new VerifiedTokens(td -> Optional.ofNullable(bundle.get()));

  private String token(KeyPair signer, Instant expires) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").build(),
        new JWTClaimsSet.Builder().subject(CALLER.toString()).audience("signet-access")
            .expirationTime(Date.from(expires)).build());
    jwt.sign(new ECDSASigner((ECPrivateKey) signer.getPrivate()));
    return jwt.serialize();
  }

  private void verifyAndRemember(String token) {
    JwtSvidClaims claims = JwtSvidValidator.validate(token, td -> Optional.of(bundle.get()), "signet-access", NOW);
    tokens.remember(token, claims);
  }

  @Test
  void aVerifiedTokenIsRecognisedUntilItExpires() throws Exception {
    String token = token(key, NOW.plusSeconds(300));
    assertThat(tokens.lookup(token, NOW)).as("never verified").isEmpty();
    verifyAndRemember(token);
    assertThat(tokens.lookup(token, NOW)).contains(CALLER);
    assertThat(tokens.lookup(token, NOW.plusSeconds(300))).as("expired").isEmpty();
  }

  @Test
  void anotherTokenEvenOfTheSameCallerIsNotRecognised() throws Exception {
    String token = token(key, NOW.plusSeconds(300));
    verifyAndRemember(token);
    String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
    assertThat(tokens.lookup(tampered, NOW)).isEmpty();
    assertThat(tokens.lookup(token(key, NOW.plusSeconds(301)), NOW)).isEmpty();
  }

  @Test
  void removingOrReplacingTheKeyEndsEveryTokenItVerified() throws Exception {
    String token = token(key, NOW.plusSeconds(300));
    verifyAndRemember(token);
    bundle.set(Bundle.empty(TD));
    assertThat(tokens.lookup(token, NOW)).as("key removed").isEmpty();

    bundle.set(Bundle.empty(TD).withJwtAuthority(authority));
    verifyAndRemember(token);
    KeyPair other = KeyType.EC_P256.generate();
    bundle.set(Bundle.empty(TD).withJwtAuthority(new JwtAuthority("k1", other.getPublic(), NOW.plusSeconds(86_400),
        false)));
    assertThat(tokens.lookup(token, NOW)).as("same key id, another key").isEmpty();
    bundle.set(null);
    assertThat(tokens.lookup(token, NOW)).as("trust domain no longer trusted").isEmpty();
  }
}
