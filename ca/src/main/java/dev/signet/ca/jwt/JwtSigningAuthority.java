package dev.signet.ca.jwt;

import dev.signet.ca.CaRandom;
import dev.signet.common.crypto.CryptoProviders;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import dev.signet.ca.SigningAuthority;
import dev.signet.common.bundle.JwtAuthority;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A JWT signing key of the trust domain: its key ID, key pair and expiry. The JWS algorithm follows the
 * key (ES256 for P-256, ES384 for P-384, RS256 for RSA), and the signer and header are built once.
 * {@link #toString()} never prints the private key.
 */
public final class JwtSigningAuthority implements SigningAuthority {
  private final String keyId;
  private final KeyPair keyPair;
  private final Instant notAfter;
  private final JWSAlgorithm algorithm;
  private final JWSHeader header;
  private final JWSSigner signer;

  public JwtSigningAuthority(String keyId, KeyPair keyPair, Instant notAfter) {
    if (keyId == null || keyId.isEmpty()) {
      throw new IllegalArgumentException("jwt authority key id is missing");
    }
    this.keyId = keyId;
    this.keyPair = Objects.requireNonNull(keyPair, "jwt authority \"" + keyId + "\" has no key pair");
    this.notAfter = Objects.requireNonNull(notAfter, "jwt authority \"" + keyId + "\" has no expiry");
    PrivateKey privateKey = keyPair.getPrivate();
    try {
      if (keyPair.getPublic() instanceof ECPublicKey ec) {
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        if (!Curve.P_256.equals(curve) && !Curve.P_384.equals(curve)) {
          throw new IllegalArgumentException("jwt authority \"" + keyId + "\" is on unsupported curve " + curve);
        }
        this.algorithm = Curve.P_256.equals(curve) ? JWSAlgorithm.ES256 : JWSAlgorithm.ES384;
        ECDSASigner ecdsa = new ECDSASigner(privateKey, curve);
        ecdsa.getJCAContext().setProvider(CryptoProviders.signing());
        ecdsa.getJCAContext().setSecureRandom(CaRandom.get());
        this.signer = ecdsa;
      } else if (keyPair.getPublic().getAlgorithm().equals("RSA")) {
        this.algorithm = JWSAlgorithm.RS256;
        RSASSASigner rsa = new RSASSASigner(privateKey);
        rsa.getJCAContext().setProvider(CryptoProviders.signing());
        this.signer = rsa;
      } else {
        throw new IllegalArgumentException("jwt authority \"" + keyId + "\" has an unsupported "
            + keyPair.getPublic().getAlgorithm() + " key");
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("jwt authority \"" + keyId + "\" cannot sign: " + e.getMessage(), e);
    }
    this.header = new JWSHeader.Builder(algorithm).keyID(keyId).type(JOSEObjectType.JWT).build();
  }

  /** The JWS {@code kid}. */
  public String keyId() {
    return keyId;
  }

  @Override
  public String authorityId() {
    return keyId;
  }

  @Override
  public PublicKey publicKey() {
    return keyPair.getPublic();
  }

  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  @Override
  public Instant notAfter() {
    return notAfter;
  }

  /** The JWS algorithm used with this key. */
  public JWSAlgorithm algorithm() {
    return algorithm;
  }

  /** The bundle entry that lets verifiers check tokens signed by this key. */
  public JwtAuthority toBundleAuthority() {
    return new JwtAuthority(keyId, keyPair.getPublic(), notAfter, false);
  }

  JWSHeader header() {
    return header;
  }

  JWSSigner signer() {
    return signer;
  }

  @Override
  public String toString() {
    return "JwtSigningAuthority[kid=" + keyId + ", alg=" + algorithm + ", notAfter=" + notAfter + "]";
  }
}
