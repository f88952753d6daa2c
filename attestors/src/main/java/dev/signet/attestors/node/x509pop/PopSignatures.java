package dev.signet.attestors.node.x509pop;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.RSABlindedEngine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.signers.PSSSigner;

/**
 * The two proof-of-possession signatures of x509pop over a 32-byte digest (the combined nonces), as Go's
 * {@code rsa.SignPSS}/{@code ecdsa.Sign} make them: RSA-PSS with SHA-256 and MGF1-SHA-256 over the digest
 * as given (signed with the largest salt, verified with the largest or a 32-byte salt), and ECDSA over the
 * digest as given, carried as big-endian r and s.
 */
final class PopSignatures {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int SHA256_LENGTH = 32;

  private PopSignatures() {}

  static byte[] signRsa(RSAPrivateCrtKey key, byte[] digest) {
    RSAPrivateCrtKeyParameters params = new RSAPrivateCrtKeyParameters(key.getModulus(), key.getPublicExponent(),
        key.getPrivateExponent(), key.getPrimeP(), key.getPrimeQ(), key.getPrimeExponentP(),
        key.getPrimeExponentQ(), key.getCrtCoefficient());
    PSSSigner signer = PSSSigner.createRawSigner(new RSABlindedEngine(), new SHA256Digest(), new SHA256Digest(),
        maxSalt(key.getModulus()), PSSSigner.TRAILER_IMPLICIT);
    signer.init(true, new ParametersWithRandom(params, RANDOM));
    signer.update(digest, 0, digest.length);
    try {
      return signer.generateSignature();
    } catch (org.bouncycastle.crypto.CryptoException e) {
      throw new IllegalStateException("RSA-PSS signing failed: " + e.getMessage(), e);
    }
  }

  static boolean verifyRsa(RSAPublicKey key, byte[] digest, byte[] signature) {
    for (int salt : new int[] {maxSalt(key.getModulus()), SHA256_LENGTH}) {
      PSSSigner verifier = PSSSigner.createRawSigner(new RSABlindedEngine(), new SHA256Digest(), new SHA256Digest(),
          salt, PSSSigner.TRAILER_IMPLICIT);
      verifier.init(false, new RSAKeyParameters(false, key.getModulus(), key.getPublicExponent()));
      verifier.update(digest, 0, digest.length);
      if (verifier.verifySignature(signature)) {
        return true;
      }
    }
    return false;
  }

  /** Returns {r, s}. */
  static byte[][] signEcdsa(PrivateKey key, byte[] digest) throws GeneralSecurityException {
    Signature signer = Signature.getInstance("NONEwithECDSA");
    signer.initSign(key, RANDOM);
    signer.update(digest);
    ASN1Sequence sequence = ASN1Sequence.getInstance(signer.sign());
    return new byte[][] {unsigned(ASN1Integer.getInstance(sequence.getObjectAt(0)).getValue()),
        unsigned(ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue())};
  }

  static boolean verifyEcdsa(ECPublicKey key, byte[] digest, byte[] r, byte[] s) throws GeneralSecurityException {
    if (r == null || s == null || r.length == 0 || s.length == 0) {
      return false;
    }
    ASN1EncodableVector pair = new ASN1EncodableVector();
    pair.add(new ASN1Integer(new BigInteger(1, r)));
    pair.add(new ASN1Integer(new BigInteger(1, s)));
    Signature verifier = Signature.getInstance("NONEwithECDSA");
    verifier.initVerify((PublicKey) key);
    verifier.update(digest);
    try {
      return verifier.verify(new DERSequence(pair).getEncoded());
    } catch (java.io.IOException | java.security.SignatureException e) {
      return false;
    }
  }

  /** Go's {@code PSSSaltLengthAuto} when signing: as long as the modulus allows. */
  private static int maxSalt(BigInteger modulus) {
    int emLength = (modulus.bitLength() - 1 + 7) / 8;
    return emLength - SHA256_LENGTH - 2;
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }
}
