package dev.signet.ca.ecsign;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.operator.ContentSigner;

/**
 * A BouncyCastle {@link ContentSigner} for SHA256withECDSA (ecdsa-with-SHA256, no parameters, as RFC 5758
 * requires) with a P-256 key, signing with {@link P256EcdsaSigner}. The output is a DER ECDSA-Sig-Value.
 * One instance per signature, like BouncyCastle's own content signers.
 */
public final class P256ContentSigner implements ContentSigner {
  private static final AlgorithmIdentifier ECDSA_WITH_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
  private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256FixedBaseMultiplier.P256);

  private final ECPrivateKeyParameters key;
  private final SecureRandom random;
  private final SHA256Digest digest = new SHA256Digest();
  private final OutputStream stream = new OutputStream() {
    @Override
    public void write(int b) {
      digest.update((byte) b);
    }

    @Override
    public void write(byte[] bytes, int off, int len) {
      digest.update(bytes, off, len);
    }
  };

  /** Signs with {@code key} (see {@link #keyOf}), drawing nonces from {@code random}. */
  public P256ContentSigner(ECPrivateKeyParameters key, SecureRandom random) {
    this.key = Objects.requireNonNull(key, "key");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The scalar of {@code key} on BouncyCastle's fast P-256 curve, or empty when the key is not an extractable
   * P-256 key (another curve, RSA, a hardware key), which must keep signing through the JCA.
   */
  public static Optional<ECPrivateKeyParameters> keyOf(PrivateKey key) {
    if (!(key instanceof ECPrivateKey ec) || key.getEncoded() == null || !isP256(ec.getParams())) {
      return Optional.empty();
    }
    BigInteger d = ec.getS();
    if (d == null || d.signum() <= 0 || d.compareTo(DOMAIN.getN()) >= 0) {
      return Optional.empty();
    }
    return Optional.of(new ECPrivateKeyParameters(d, DOMAIN));
  }

  /** Equal to P-256 in every domain parameter, not merely a 256-bit curve (secp256k1, brainpoolP256r1 are not). */
  static boolean isP256(ECParameterSpec spec) {
    if (spec == null) {
      return false;
    }
    var p256 = P256FixedBaseMultiplier.P256;
    var g = p256.getG().normalize();
    return spec.getCurve().getField() instanceof java.security.spec.ECFieldFp field
        && field.getP().equals(p256.getCurve().getField().getCharacteristic())
        && spec.getCurve().getA().equals(p256.getCurve().getA().toBigInteger())
        && spec.getCurve().getB().equals(p256.getCurve().getB().toBigInteger())
        && spec.getGenerator().getAffineX().equals(g.getAffineXCoord().toBigInteger())
        && spec.getGenerator().getAffineY().equals(g.getAffineYCoord().toBigInteger())
        && spec.getOrder().equals(p256.getN())
        && spec.getCofactor() == 1;
  }

  @Override
  public AlgorithmIdentifier getAlgorithmIdentifier() {
    return ECDSA_WITH_SHA256;
  }

  @Override
  public OutputStream getOutputStream() {
    return stream;
  }

  @Override
  public byte[] getSignature() {
    byte[] hash = new byte[digest.getDigestSize()];
    digest.doFinal(hash, 0);
    P256EcdsaSigner signer = new P256EcdsaSigner();
    signer.init(true, new ParametersWithRandom(key, random));
    BigInteger[] rs = signer.generateSignature(hash);
    try {
      return StandardDSAEncoding.INSTANCE.encode(DOMAIN.getN(), rs[0], rs[1]);
    } catch (IOException e) {
      throw new IllegalStateException("an ecdsa signature cannot be DER-encoded: " + e.getMessage(), e);
    }
  }
}
