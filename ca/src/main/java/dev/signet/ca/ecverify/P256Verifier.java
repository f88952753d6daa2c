package dev.signet.ca.ecverify;

import dev.signet.ca.p256.JacobianPoint;
import dev.signet.ca.p256.P256Field;
import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.raw.Nat256;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA P-256 signature verification for CSRs: R = u1·G + u2·Q by interleaved wNAF (Shamir's trick) in
 * Jacobian coordinates on {@link P256Field}, with u1 = e·s⁻¹ and u2 = r·s⁻¹ mod n, accepted when R is not infinity and
 * x(R) ≡ r (mod n). The comparison is made as X = r·Z² (and (r + n)·Z² when that is still below p), so no
 * field inversion is needed.
 *
 * <p>Why not BouncyCastle's ECDSASigner: it computes the same thing on immutable point and field objects,
 * allocating about 160 KB per verification, and a CSR always brings a key never seen before, so none of its
 * per-key caches help. Here all arithmetic runs in place on a faster field (52-bit limbs): G's
 * odd multiples (width 10: 256 affine points) are computed once, Q's (width 5: 8 points) per call.
 *
 * <p>Everything here is public (key, message, signature), so the code is variable-time. Thread-safe: each
 * call uses its own working state.
 */
public final class P256Verifier {
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  private static final BigInteger N = CURVE.getN();
  private static final BigInteger P = P256Field.P;
  private static final long[] B = P256Field.of(CURVE.getCurve().getB().toBigInteger());
  private static final int G_WIDTH = 10;
  private static final int Q_WIDTH = 5;
  private static final long[][] G_X = new long[1 << (G_WIDTH - 2)][];
  private static final long[][] G_Y = new long[1 << (G_WIDTH - 2)][];

  static {
    ECPoint g = CURVE.getG();
    ECPoint twiceG = g.twice();
    ECPoint[] odd = new ECPoint[G_X.length];
    odd[0] = g;
    for (int i = 1; i < odd.length; i++) {
      odd[i] = odd[i - 1].add(twiceG);
    }
    CURVE.getCurve().normalizeAll(odd);
    for (int i = 0; i < odd.length; i++) {
      G_X[i] = P256Field.of(odd[i].getAffineXCoord().toBigInteger());
      G_Y[i] = P256Field.of(odd[i].getAffineYCoord().toBigInteger());
    }
  }

  private P256Verifier() {}

  /**
   * Whether (r, s) is a valid ECDSA signature of {@code digest} (a SHA-256 hash, or any hash: its leftmost
   * 256 bits are used) under the public key (qx, qy). False for r or s outside [1, n − 1] and for a key
   * that is not a point on the curve.
   */
  public static boolean verify(byte[] digest, BigInteger r, BigInteger s, BigInteger qx, BigInteger qy) {
    if (r.signum() <= 0 || r.compareTo(N) >= 0 || s.signum() <= 0 || s.compareTo(N) >= 0) {
      return false;
    }
    if (!inField(qx) || !inField(qy)) {
      return false;
    }
    long[] x = P256Field.of(qx);
    long[] y = P256Field.of(qy);
    if (!isOnCurve(x, y)) {
      return false;
    }
    BigInteger e = hashToInteger(digest);
    BigInteger w = BigIntegers.modOddInverseVar(N, s);
    BigInteger u1 = e.multiply(w).mod(N);
    BigInteger u2 = r.multiply(w).mod(N);

    JacobianPoint.Scratch scratch = new JacobianPoint.Scratch();
    JacobianPoint[] qOdd = oddMultiples(x, y, scratch);
    int[] gDigits = new int[Wnaf.LENGTH];
    int[] qDigits = new int[Wnaf.LENGTH];
    Wnaf.recode(Nat256.fromBigInteger(u1), G_WIDTH, gDigits);
    Wnaf.recode(Nat256.fromBigInteger(u2), Q_WIDTH, qDigits);

    JacobianPoint sum = new JacobianPoint(scratch);
    sum.setInfinity();
    for (int i = Wnaf.LENGTH - 1; i >= 0; i--) {
      sum.twice();
      int dg = gDigits[i];
      if (dg != 0) {
        int index = Math.abs(dg) >>> 1;
        sum.addAffine(G_X[index], G_Y[index], dg < 0);
      }
      int dq = qDigits[i];
      if (dq != 0) {
        sum.add(qOdd[Math.abs(dq) >>> 1], dq < 0);
      }
    }
    if (sum.isInfinity()) {
      return false;
    }
    return xMatches(sum, r, scratch) || (r.add(N).compareTo(P) < 0 && xMatches(sum, r.add(N), scratch));
  }

  /** Whether X = candidate·Z², i.e. the affine x of {@code point} is {@code candidate} (below p). */
  private static boolean xMatches(JacobianPoint point, BigInteger candidate, JacobianPoint.Scratch scratch) {
    long[] zz = scratch.t1;
    long[] expected = scratch.t2;
    P256Field.square(point.z, zz);
    P256Field.multiply(P256Field.of(candidate), zz, expected);
    return P256Field.equal(expected, point.x, scratch.check, scratch.check2);
  }

  /** Q, 3Q, 5Q, …, (2^(w−1) − 1)·Q for the wNAF digits of u2. */
  private static JacobianPoint[] oddMultiples(long[] qx, long[] qy, JacobianPoint.Scratch scratch) {
    JacobianPoint[] odd = new JacobianPoint[1 << (Q_WIDTH - 2)];
    JacobianPoint twice = new JacobianPoint(scratch);
    twice.setAffine(qx, qy);
    twice.twice();
    odd[0] = new JacobianPoint(scratch);
    odd[0].setAffine(qx, qy);
    for (int i = 1; i < odd.length; i++) {
      odd[i] = new JacobianPoint(scratch);
      odd[i].set(odd[i - 1]);
      odd[i].add(twice, false);
    }
    return odd;
  }

  /** y² = x³ − 3x + b with 0 ≤ x, y < p. */
  static boolean isOnCurve(BigInteger qx, BigInteger qy) {
    return inField(qx) && inField(qy) && isOnCurve(P256Field.of(qx), P256Field.of(qy));
  }

  private static boolean inField(BigInteger value) {
    return value.signum() >= 0 && value.compareTo(P) < 0;
  }

  /** y² = x³ − 3x + b for field elements (in Montgomery form). */
  private static boolean isOnCurve(long[] x, long[] y) {
    long[] lhs = P256Field.create();
    long[] rhs = P256Field.create();
    long[] t = P256Field.create();
    P256Field.square(y, lhs);
    P256Field.square(x, rhs);
    P256Field.multiply(rhs, x, rhs); // x³
    P256Field.times(x, 3, t);
    P256Field.subtract(rhs, t, rhs);
    P256Field.add(rhs, B, rhs);
    return P256Field.equal(lhs, rhs, P256Field.create(), P256Field.create());
  }

  /** The digest's leftmost 256 bits as a non-negative integer (FIPS 186-4 §6.4). */
  private static BigInteger hashToInteger(byte[] digest) {
    BigInteger e = new BigInteger(1, digest);
    int excess = digest.length * 8 - 256;
    return excess > 0 ? e.shiftRight(excess) : e;
  }
}
