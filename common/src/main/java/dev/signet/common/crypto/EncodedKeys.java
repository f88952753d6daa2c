package dev.signet.common.crypto;

import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

/**
 * Keys from their standard DER forms (PKCS#8 private keys, PKIX SubjectPublicKeyInfo public keys) through the JCA's
 * key factories of the key types SPIRE uses (EC P-256/P-384, RSA), the one place that decides a DER key's type.
 * The JCA needs the type before it parses, so each factory is asked in turn; a factory refuses another type's
 * encoding with {@link InvalidKeySpecException}.
 */
public final class EncodedKeys {
  private static final List<String> TYPES = List.of("EC", "RSA");

  private EncodedKeys() {}

  /** A PKCS#8 private key; {@link IllegalArgumentException} when it is none of the supported types or malformed. */
  public static PrivateKey privateKey(byte[] pkcs8) {
    return (PrivateKey) parse(new PKCS8EncodedKeySpec(pkcs8), "PKCS#8 private key");
  }

  /** A PKIX public key; {@link IllegalArgumentException} when it is none of the supported types or malformed. */
  public static PublicKey publicKey(byte[] pkix) {
    return (PublicKey) parse(new X509EncodedKeySpec(pkix), "PKIX public key");
  }

  private static Object parse(KeySpec spec, String what) {
    for (String type : TYPES) {
      try {
        KeyFactory factory = KeyFactory.getInstance(type);
        return spec instanceof PKCS8EncodedKeySpec pkcs8 ? factory.generatePrivate(pkcs8)
            : factory.generatePublic((X509EncodedKeySpec) spec);
      } catch (InvalidKeySpecException | RuntimeException e) {
        // not this type (or malformed): try the next one
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JCA has no " + type + " key factory", e);
      }
    }
    throw new IllegalArgumentException(what + " is malformed or not an " + String.join(" or ", TYPES) + " key");
  }
}
