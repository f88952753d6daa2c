package dev.signet.common.svid;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import dev.signet.common.crypto.CryptoProviders;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;

/**
 * The JWS verifier for a JWT-SVID signing key: nimbus-jose-jwt's verifier (which checks an ECDSA signature's
 * length and that r and s are in [1, n - 1] before converting it to DER) on the provider
 * {@link CryptoProviders} chose. The one verification path for JWT-SVIDs; the Wycheproof known-answer
 * tests run against it.
 */
public final class JwsVerifiers {
  private JwsVerifiers() {}

  /** The verifier for an EC (P-256, P-384, P-521) or RSA key; empty for any other key. */
  public static Optional<JWSVerifier> forKey(PublicKey key) throws JOSEException {
    JWSVerifier verifier = switch (key) {
      case ECPublicKey ec -> new ECDSAVerifier(ec);
      case RSAPublicKey rsa -> new RSASSAVerifier(rsa);
      default -> null;
    };
    if (verifier != null) {
      verifier.getJCAContext().setProvider(CryptoProviders.signing());
    }
    return Optional.ofNullable(verifier);
  }
}
