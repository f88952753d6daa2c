package dev.signet.attestors.node.tpm;

import dev.signet.attestors.node.AttestationException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import tss.tpm.TPM2B_PUBLIC_KEY_RSA;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMS_ECC_PARMS;
import tss.tpm.TPMS_ECC_POINT;
import tss.tpm.TPMS_RSA_PARMS;
import tss.tpm.TPMT_SYM_DEF_OBJECT;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPM_ALG_ID;
import tss.tpm.TPM_ECC_CURVE;

/**
 * A {@code TPMT_PUBLIC} as an agent sent it: the exact bytes (its TPM name is computed over them, as the
 * TPM computes it), the parsed structure and its key as a JCA key. Parsing is exact: bytes that TSS.Java
 * would not marshal back identically (trailing data, non-canonical encodings) are refused, so the structure
 * checked is the one the name covers.
 */
record TpmPublicArea(byte[] bytes, TPMT_PUBLIC area, PublicKey key) {
  private static final int SHA256_ALG = 0x000B;

  /** Parses and converts; anything malformed or unsupported is INVALID_ARGUMENT naming {@code what}. */
  static TpmPublicArea parse(byte[] bytes, String what) {
    if (bytes == null || bytes.length == 0) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": no " + what + " in the attestation data");
    }
    TPMT_PUBLIC area;
    try {
      area = TPMT_PUBLIC.fromBytes(bytes);
    } catch (RuntimeException e) { // TSS.Java reports truncated or unknown structures with assorted runtime exceptions
      throw AttestationException.invalid(TpmProtocol.NAME + ": malformed " + what + ": " + e);
    }
    if (!Arrays.equals(area.toBytes(), bytes)) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": malformed " + what + ": not a canonical TPMT_PUBLIC");
    }
    if (area.nameAlg == null || area.nameAlg.toInt() != SHA256_ALG) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": " + what + " name algorithm " + area.nameAlg
          + " is not supported; sha256 is");
    }
    return new TpmPublicArea(bytes.clone(), area, toKey(area, what));
  }

  boolean has(TPMA_OBJECT attribute) {
    return area.objectAttributes.hasAttr(attribute);
  }

  /** The TPM name: nameAlg (sha256) ‖ SHA-256(TPMT_PUBLIC). */
  byte[] name() {
    return ByteBuffer.allocate(2 + 32).putShort((short) SHA256_ALG).put(sha256(bytes)).array();
  }

  /** Lower-case hex SHA-256 of the key's PKIX SubjectPublicKeyInfo DER, as SPIRE's TPM plugins hash EKs. */
  String publicKeyHash() {
    return HexFormat.of().formatHex(sha256(key.getEncoded()));
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static PublicKey toKey(TPMT_PUBLIC area, String what) {
    try {
      if (area.parameters instanceof TPMS_RSA_PARMS rsa && area.unique instanceof TPM2B_PUBLIC_KEY_RSA modulus) {
        if (modulus.buffer == null || modulus.buffer.length * 8 != rsa.keyBits || rsa.keyBits < 2048) {
          throw AttestationException.invalid(TpmProtocol.NAME + ": " + what + " is not an RSA key of at least 2048 bits");
        }
        long exponent = rsa.exponent == 0 ? 65537 : Integer.toUnsignedLong(rsa.exponent);
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, modulus.buffer),
            BigInteger.valueOf(exponent)));
      }
      if (area.parameters instanceof TPMS_ECC_PARMS ecc && area.unique instanceof TPMS_ECC_POINT point) {
        String curve = TPM_ECC_CURVE.NIST_P256.equals(ecc.curveID) ? "secp256r1"
            : TPM_ECC_CURVE.NIST_P384.equals(ecc.curveID) ? "secp384r1" : null;
        int size = TPM_ECC_CURVE.NIST_P256.equals(ecc.curveID) ? 32 : 48;
        if (curve == null || point.x == null || point.y == null || point.x.length != size || point.y.length != size) {
          throw AttestationException.invalid(TpmProtocol.NAME + ": " + what + " is not a P-256 or P-384 key with"
              + " coordinates of the curve's size");
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(curve));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        ECPoint w = new ECPoint(new BigInteger(1, point.x), new BigInteger(1, point.y));
        if (!onCurve(w, spec)) {
          throw AttestationException.invalid(TpmProtocol.NAME + ": " + what + " is not a point on " + curve);
        }
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
      }
    } catch (GeneralSecurityException e) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": " + what + " has an unusable key: " + e.getMessage());
    }
    throw AttestationException.invalid(TpmProtocol.NAME + ": " + what + " of type " + area.type()
        + " is not supported; RSA and ECC are");
  }

  /** y² = x³ + ax + b (mod p) with both coordinates below p: the JDK's key factory does not check it. */
  private static boolean onCurve(ECPoint w, ECParameterSpec spec) {
    BigInteger p = ((java.security.spec.ECFieldFp) spec.getCurve().getField()).getP();
    BigInteger x = w.getAffineX();
    BigInteger y = w.getAffineY();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger right = x.pow(3).add(spec.getCurve().getA().multiply(x)).add(spec.getCurve().getB()).mod(p);
    return y.multiply(y).mod(p).equals(right);
  }

  /**
   * True when {@code area} is an RSA or ECC (P-256, P-384) key whose symmetric definition is AES-128/256-CFB:
   * what MakeCredential needs from a storage key such as an EK.
   */
  static boolean isAesCfbStorage(TPMT_PUBLIC area) {
    TPMT_SYM_DEF_OBJECT symmetric = switch (area.parameters) {
      case TPMS_RSA_PARMS rsa -> rsa.symmetric;
      case TPMS_ECC_PARMS ecc when TPM_ECC_CURVE.NIST_P256.equals(ecc.curveID)
          || TPM_ECC_CURVE.NIST_P384.equals(ecc.curveID) -> ecc.symmetric;
      case null, default -> null;
    };
    return symmetric != null && TPM_ALG_ID.AES.equals(symmetric.algorithm) && TPM_ALG_ID.CFB.equals(symmetric.mode)
        && (symmetric.keyBits == 128 || symmetric.keyBits == 256);
  }

  /** The key bits of the AES a storage key protects its children (and credentials) with. */
  static int symmetricKeyBits(TPMT_PUBLIC area) {
    return switch (area.parameters) {
      case TPMS_RSA_PARMS rsa -> rsa.symmetric.keyBits;
      case TPMS_ECC_PARMS ecc -> ecc.symmetric.keyBits;
      default -> throw new IllegalArgumentException("not a storage key: " + area.type());
    };
  }
}
