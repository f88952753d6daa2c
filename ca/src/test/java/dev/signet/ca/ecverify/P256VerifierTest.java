package dev.signet.ca.ecverify;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Random;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/** Differential tests against BouncyCastle's ECDSASigner, plus inputs built to hit the verifier's edges. */
class P256VerifierTest {
  static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE);
  static final BigInteger N = CURVE.getN();
  static final BigInteger P = CURVE.getCurve().getField().getCharacteristic();
  static final ECPoint G = CURVE.getG();

  record Signed(byte[] digest, BigInteger r, BigInteger s, ECPoint q) {}

  static Signed sign(Random random) {
    BigInteger d = new BigInteger(256, random).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    ECPoint q = G.multiply(d).normalize();
    byte[] digest = new byte[32];
    random.nextBytes(digest);
    ECDSASigner signer = new ECDSASigner();
    signer.init(true, new ParametersWithRandom(new ECPrivateKeyParameters(d, DOMAIN), new SecureRandom()));
    BigInteger[] rs = signer.generateSignature(digest);
    return new Signed(digest, rs[0], rs[1], q);
  }

  static boolean ours(Signed sig) {
    return P256Verifier.verify(sig.digest, sig.r, sig.s, sig.q.getAffineXCoord().toBigInteger(),
        sig.q.getAffineYCoord().toBigInteger());
  }

  static boolean bouncyCastle(Signed sig) {
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(sig.q, DOMAIN));
    return verifier.verifySignature(sig.digest, sig.r, sig.s);
  }

  @Test
  void acceptsWhatBouncyCastleSignsAndRefusesEveryTamperedPart() {
    Random random = new Random(20261126);
    for (int i = 0; i < 1000; i++) {
      Signed good = sign(random);
      assertThat(ours(good)).as("signature %d", i).isTrue();
      byte[] digest = good.digest.clone();
      digest[random.nextInt(32)] ^= (byte) (1 << random.nextInt(8));
      Signed[] bad = {
          new Signed(digest, good.r, good.s, good.q),
          new Signed(good.digest, good.r.add(BigInteger.ONE).mod(N), good.s, good.q),
          new Signed(good.digest, good.r, good.s.add(BigInteger.ONE).mod(N), good.q),
          new Signed(good.digest, good.r, N.subtract(good.s), good.q),
          new Signed(good.digest, good.s, good.r, good.q),
          new Signed(good.digest, good.r, good.s, good.q.twice().normalize()),
          new Signed(good.digest, good.r, good.s, good.q.negate().normalize()),
      };
      for (int b = 0; b < bad.length; b++) {
        assertThat(ours(bad[b])).as("signature %d, tampering %d", i, b).isEqualTo(bouncyCastle(bad[b]));
      }
    }
  }

  @Test
  void refusesScalarsOutsideTheRange() {
    Signed good = sign(new Random(1));
    BigInteger qx = good.q.getAffineXCoord().toBigInteger();
    BigInteger qy = good.q.getAffineYCoord().toBigInteger();
    for (BigInteger bad : new BigInteger[] {BigInteger.ZERO, N, N.add(good.r), BigInteger.ONE.negate()}) {
      assertThat(P256Verifier.verify(good.digest, bad, good.s, qx, qy)).isFalse();
      assertThat(P256Verifier.verify(good.digest, good.r, bad, qx, qy)).isFalse();
    }
  }

  @Test
  void refusesKeysOffTheCurve() {
    Signed good = sign(new Random(2));
    BigInteger qx = good.q.getAffineXCoord().toBigInteger();
    BigInteger qy = good.q.getAffineYCoord().toBigInteger();
    assertThat(P256Verifier.verify(good.digest, good.r, good.s, qx, qy.add(BigInteger.ONE))).isFalse();
    assertThat(P256Verifier.verify(good.digest, good.r, good.s, qx.add(P), qy)).isFalse();
    assertThat(P256Verifier.verify(good.digest, good.r, good.s, qx, qy.add(P))).isFalse();
    assertThat(P256Verifier.verify(good.digest, good.r, good.s, BigInteger.ZERO, BigInteger.ZERO)).isFalse();
    assertThat(P256Verifier.isOnCurve(qx, P.subtract(qy))).isTrue();
  }

  /**
   * R with an x-coordinate in [n, p), so r = x(R) − n: built backwards by choosing R, u1 and u2 and solving
   * for the key Q = u2⁻¹·(R − u1·G), s = r·u2⁻¹ and the digest e = u1·s. BouncyCastle agrees.
   */
  @Test
  void acceptsWhenTheXCoordinateOfRWrapsPastTheOrder() {
    ECPoint big = pointWithXAtLeast(N);
    Random random = new Random(3);
    for (int i = 0; i < 20; i++) {
      ECPoint rPoint = i % 2 == 0 ? big : big.negate().normalize();
      BigInteger u1 = new BigInteger(256, random).mod(N);
      BigInteger u2 = new BigInteger(256, random).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
      ECPoint q = rPoint.subtract(G.multiply(u1)).multiply(u2.modInverse(N)).normalize();
      BigInteger r = rPoint.getAffineXCoord().toBigInteger().mod(N);
      BigInteger s = r.multiply(u2.modInverse(N)).mod(N);
      byte[] digest = BigIntegerBytes.of(u1.multiply(s).mod(N));
      Signed sig = new Signed(digest, r, s, q);
      assertThat(ours(sig)).isTrue();
      assertThat(bouncyCastle(sig)).isTrue();
      assertThat(ours(new Signed(digest, r.add(BigInteger.ONE), s, q))).isFalse();
    }
  }

  /** u1·G = −u2·Q: the sum is the point at infinity, which never verifies. */
  @Test
  void refusesWhenTheSumIsInfinity() {
    Random random = new Random(4);
    BigInteger u1 = new BigInteger(256, random).mod(N);
    BigInteger u2 = new BigInteger(256, random).mod(N);
    ECPoint q = G.multiply(u1.multiply(u2.modInverse(N)).negate().mod(N)).normalize();
    BigInteger r = BigInteger.valueOf(12345);
    BigInteger s = r.multiply(u2.modInverse(N)).mod(N);
    byte[] digest = BigIntegerBytes.of(u1.multiply(s).mod(N));
    Signed sig = new Signed(digest, r, s, q);
    assertThat(ours(sig)).isFalse();
    assertThat(bouncyCastle(sig)).isFalse();
  }

  /** Q = G: the two tables hold the same points, so additions meet equal and opposite operands. */
  @Test
  void handlesTheGeneratorAsTheKey() {
    Random random = new Random(5);
    for (int i = 0; i < 200; i++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      ECDSASigner signer = new ECDSASigner();
      signer.init(true, new ParametersWithRandom(new ECPrivateKeyParameters(BigInteger.ONE, DOMAIN), new SecureRandom()));
      BigInteger[] rs = signer.generateSignature(digest);
      assertThat(ours(new Signed(digest, rs[0], rs[1], G))).isTrue();
    }
  }

  static ECPoint pointWithXAtLeast(BigInteger start) {
    for (BigInteger x = start; ; x = x.add(BigInteger.ONE)) {
      try {
        ECPoint p = CURVE.getCurve().createPoint(x, liftY(x));
        if (p.isValid()) {
          return p.normalize();
        }
      } catch (IllegalArgumentException | ArithmeticException notOnCurve) {
        // try the next x
      }
    }
  }

  private static BigInteger liftY(BigInteger x) {
    BigInteger rhs = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(CURVE.getCurve().getB().toBigInteger()).mod(P);
    BigInteger y = rhs.modPow(P.add(BigInteger.ONE).shiftRight(2), P); // p ≡ 3 (mod 4)
    if (!y.multiply(y).mod(P).equals(rhs)) {
      throw new ArithmeticException("no square root");
    }
    return y;
  }

  static final class BigIntegerBytes {
    static byte[] of(BigInteger value) {
      byte[] out = new byte[32];
      byte[] raw = value.toByteArray();
      int copy = Math.min(raw.length, 32);
      System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
      return out;
    }
  }
}
