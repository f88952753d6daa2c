package dev.signet.ca.ecsign;

import dev.signet.ca.p256.JacobianPoint;
import dev.signet.ca.p256.P256Field;
import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.AbstractECMultiplier;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Field;
import org.bouncycastle.math.raw.Nat256;

/**
 * k·G on P-256 for the generator G by a fixed-base windowed table, built once per JVM, summed in place on
 * {@link P256Field} (52-bit limbs, no allocation per addition).
 *
 * <p>The math: write the scalar in base 2^w as k' = Σ d_i·2^(w·i), d_i in [0, 2^w). Window i holds the
 * 2^w affine points T[i][j] = (j + e_i)·2^(w·i)·G, so k'·G is a sum of one point per window: 255/w mixed
 * additions and no doublings (BouncyCastle's comb does 43 doublings and 43 additions). The table sum is
 * Σ (d_i + e_i)·2^(w·i)·G = (k' + C)·G with the constant C = Σ e_i·2^(w·i), so the scalar used is
 * k' = (k − C) mod n and the result is k·G.
 *
 * <p>The entry offsets e_0 = 1 and e_i = 2 (i ≥ 1) make two things impossible. No entry is the point at
 * infinity (which has no affine form; a zero digit would otherwise need a branch on the secret). And no
 * partial sum equals ± the next addend: after window i the sum is a multiple of G below
 * (2^w + 1)/(2^w − 1)·2^(w·(i+1)), which for w ≥ 2 is under the next addend's smallest multiple
 * 2·2^(w·(i+1)), and every partial sum but the last stays below n. So the addition formulas' branch for
 * equal or opposite operands, which would time differently, is never taken while summing a nonce, except
 * at the very last addition for one value of k' in about 2^255. (With e_i = 1 everywhere, as
 * BouncyCastle's comb and an earlier version of this class had it, window i's last entry equals window
 * i + 1's first, and one nonce in 1,024 took that branch.)
 *
 * <p>Security decision: each window's entry is selected by reading every entry and keeping the wanted one
 * by masking, so the memory access pattern does not depend on the secret nonce; the field arithmetic is
 * constant-time; the final conversion to affine coordinates inverts Z with BouncyCastle's constant-time
 * modular inverse. The nonce's reduction and digit extraction use BigInteger, as BouncyCastle's ECDSA does.
 *
 * <p>Instances are immutable and thread-safe. Points other than G are multiplied by BouncyCastle's comb.
 */
public final class P256FixedBaseMultiplier extends AbstractECMultiplier {
  /** P-256 on BouncyCastle's custom (fast) curve implementation. */
  static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  /** The window width used in production, chosen by measurement (SigningBenchmark). */
  static final int DEFAULT_WIDTH = 5;
  /** Longs per table entry: x then y, five limbs each. */
  private static final int ENTRY = 2 * P256Field.LIMBS;

  private static final class Default {
    static final P256FixedBaseMultiplier INSTANCE = new P256FixedBaseMultiplier(DEFAULT_WIDTH);
  }

  private final ECCurve curve = P256.getCurve();
  private final ECPoint generator = P256.getG();
  private final BigInteger order = P256.getN();
  private final int width;
  /** Per window, its 2^width affine entries, {@link #ENTRY} longs each. */
  private final long[][] windows;
  private final BigInteger offset;
  private final FixedPointCombMultiplier fallback = new FixedPointCombMultiplier();

  /**
   * Builds the table for windows of {@code width} bits (2 to 8): ⌈256/width⌉ windows of 2^width points.
   * Takes a few milliseconds; use {@link #instance()} in production.
   */
  public P256FixedBaseMultiplier(int width) {
    if (width < 2 || width > 8) {
      throw new IllegalArgumentException("window width " + width + " must be 2 to 8");
    }
    this.width = width;
    int count = (order.bitLength() + width - 1) / width;
    int size = 1 << width;
    windows = new long[count][];
    BigInteger c = BigInteger.ZERO;
    ECPoint base = generator; // 2^(w·i)·G
    for (int i = 0; i < count; i++) {
      ECPoint[] entries = new ECPoint[size];
      entries[0] = base.multiply(BigInteger.valueOf(entryOffset(i)));
      for (int j = 1; j < size; j++) {
        entries[j] = entries[j - 1].add(base); // (j + e_i)·base
      }
      curve.normalizeAll(entries); // affine, with one shared field inversion
      windows[i] = new long[size * ENTRY];
      for (int j = 0; j < size; j++) {
        System.arraycopy(P256Field.of(entries[j].getAffineXCoord().toBigInteger()), 0, windows[i], j * ENTRY,
            P256Field.LIMBS);
        System.arraycopy(P256Field.of(entries[j].getAffineYCoord().toBigInteger()), 0, windows[i],
            j * ENTRY + P256Field.LIMBS, P256Field.LIMBS);
      }
      c = c.add(BigInteger.valueOf(entryOffset(i)).shiftLeft(width * i));
      base = base.timesPow2(width).normalize(); // the next window's base
    }
    offset = c.mod(order);
  }

  /** e_i: window i's entries are (j + e_i)·2^(w·i)·G (see the class comment for why 1, then 2). */
  static int entryOffset(int window) {
    return window == 0 ? 1 : 2;
  }

  /** The constant C = Σ e_i·2^(w·i) mod n that the table sum adds to the scalar. */
  BigInteger offset() {
    return offset;
  }

  int width() {
    return width;
  }

  int windowCount() {
    return windows.length;
  }

  /** The shared multiplier with the production window width, built on first use. */
  public static P256FixedBaseMultiplier instance() {
    return Default.INSTANCE;
  }

  /** Whether {@code p} is the P-256 generator on BouncyCastle's custom curve, the only point the table serves. */
  boolean serves(ECPoint p) {
    return curve.equals(p.getCurve()) && generator.equals(p);
  }

  @Override
  protected ECPoint multiplyPositive(ECPoint p, BigInteger k) {
    if (!serves(p)) {
      return fallback.multiply(p, k);
    }
    // G has order n, so k·G = (k mod n)·G; then shift by the table's built-in offset C.
    BigInteger shifted = k.mod(order).subtract(offset).mod(order);
    int[] limbs = toLimbs(shifted);
    JacobianPoint sum = new JacobianPoint(new JacobianPoint.Scratch());
    long[] x = P256Field.create();
    long[] y = P256Field.create();
    select(windows[0], digit(limbs, 0), x, y);
    sum.setAffine(x, y);
    for (int i = 1; i < windows.length; i++) {
      select(windows[i], digit(limbs, i), x, y);
      sum.addAffine(x, y, false);
    }
    return toAffine(sum);
  }

  /** Entry {@code digit} of a window into (x, y), reading every entry (constant time). */
  private static void select(long[] window, int digit, long[] x, long[] y) {
    long x0 = 0;
    long x1 = 0;
    long x2 = 0;
    long x3 = 0;
    long x4 = 0;
    long y0 = 0;
    long y1 = 0;
    long y2 = 0;
    long y3 = 0;
    long y4 = 0;
    for (int j = 0, at = 0; at < window.length; j++, at += ENTRY) {
      long mask = ((long) (j ^ digit) - 1) >> 63; // all ones only for j == digit
      x0 |= window[at] & mask;
      x1 |= window[at + 1] & mask;
      x2 |= window[at + 2] & mask;
      x3 |= window[at + 3] & mask;
      x4 |= window[at + 4] & mask;
      y0 |= window[at + 5] & mask;
      y1 |= window[at + 6] & mask;
      y2 |= window[at + 7] & mask;
      y3 |= window[at + 8] & mask;
      y4 |= window[at + 9] & mask;
    }
    x[0] = x0;
    x[1] = x1;
    x[2] = x2;
    x[3] = x3;
    x[4] = x4;
    y[0] = y0;
    y[1] = y1;
    y[2] = y2;
    y[3] = y3;
    y[4] = y4;
  }

  /** The sum as a BouncyCastle affine point: x = X/Z², y = Y/Z³ with Z inverted in constant time. */
  private ECPoint toAffine(JacobianPoint sum) {
    if (sum.isInfinity()) { // only for k ≡ 0 (mod n), never for an ECDSA nonce
      return curve.getInfinity();
    }
    int[] x = Nat256.create();
    int[] y = Nat256.create();
    int[] z = Nat256.create();
    P256Field.toWords(sum.x, x);
    P256Field.toWords(sum.y, y);
    P256Field.toWords(sum.z, z);
    int[] zInverse = Nat256.create();
    int[] zInverse2 = Nat256.create();
    SecP256R1Field.inv(z, zInverse);
    SecP256R1Field.square(zInverse, zInverse2);
    SecP256R1Field.multiply(x, zInverse2, x);
    SecP256R1Field.multiply(zInverse2, zInverse, zInverse2);
    SecP256R1Field.multiply(y, zInverse2, y);
    return curve.createPoint(Nat256.toBigInteger(x), Nat256.toBigInteger(y));
  }
  /** Digit i of the scalar in base 2^width: bits [width·i, width·i + width), which may straddle two limbs. */
  private int digit(int[] limbs, int i) {
    int bit = width * i;
    int word = bit >>> 5;
    int shift = bit & 31;
    long pair = (limbs[word] & 0xFFFFFFFFL) | (word + 1 < limbs.length ? (long) limbs[word + 1] << 32 : 0L);
    return (int) (pair >>> shift) & ((1 << width) - 1);
  }

  /** The non-negative scalar (below 2^256) as nine little-endian 32-bit limbs (one spare for straddling). */
  private static int[] toLimbs(BigInteger k) {
    byte[] bytes = k.toByteArray(); // big-endian, maybe with a leading zero byte
    int[] limbs = new int[9];
    for (int b = 0; b < bytes.length && b < 33; b++) {
      int value = bytes[bytes.length - 1 - b] & 0xFF;
      limbs[b >>> 2] |= value << ((b & 3) << 3);
    }
    return limbs;
  }
}
