package dev.signet.ca.p256;

import java.math.BigInteger;

/**
 * Arithmetic modulo the P-256 prime p = 2^256 − 2^224 + 2^192 + 2^96 − 1, in pure Java
 * without allocation: an element is five signed 64-bit limbs of 52 bits (radix 2^52, little-endian) holding
 * a·R mod p in Montgomery form with R = 2^260.
 *
 * <p>Why 52-bit limbs: a product of two limbs is at most 104 bits, split into two 52-bit halves by one
 * {@link Math#multiplyHigh} and a shift, so the columns of a 5 × 5 product add up without carry checks
 * (Java has no add-with-carry). Montgomery reduction is cheap here because −p⁻¹ ≡ 1 (mod 2^52): each of
 * the five rounds takes the low limb as the multiplier m and adds m·p by shifts alone (p's terms are powers
 * of two). Measured on this project's machine: a multiplication in ~51 ns and a squaring in ~37 ns against
 * ~59 and ~45 ns for BouncyCastle's 32-bit-word P-256 field.
 *
 * <p>Bounds, the contract every routine keeps: outputs are "weakly reduced", meaning limbs 0–3 in
 * [0, 2^52), limb 4 small, and the value below 2p (not necessarily below p). Inputs may be any weakly
 * reduced elements; {@link #multiply} and {@link #square} also take the uncarried sums and differences of
 * {@link #addForProduct} and {@link #subtractForProduct} (values below 4p, limbs possibly negative), since
 * their signed limb products split exactly and the Montgomery result of inputs below 4p is below 2p. {@link #canonical} gives the unique representative below p, for comparisons.
 * Constant time: no routine branches on or indexes by the values (the ECDSA signer's nonce runs through
 * them too); callers decide what they branch on.
 */
public final class P256Field {
  public static final int LIMBS = 5;
  public static final BigInteger P = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE.shiftLeft(224))
      .add(BigInteger.ONE.shiftLeft(192)).add(BigInteger.ONE.shiftLeft(96)).subtract(BigInteger.ONE);
  private static final long MASK = (1L << 52) - 1;
  private static final BigInteger R = BigInteger.ONE.shiftLeft(260);
  private static final BigInteger R_INVERSE = R.modInverse(P);
  /** 2p in limbs (not normalized: any representation of the value works for subtraction). */
  private static final long[] TWO_P = limbsOf(P.shiftLeft(1));
  private static final long[] P_LIMBS = limbsOf(P);
  /** 1 in Montgomery form (R mod p). */
  public static final long[] ONE = of(BigInteger.ONE);
  /** The integer 1 itself (not in Montgomery form): multiplying by it leaves Montgomery form. */
  private static final long[] RAW_ONE = limbsOf(BigInteger.ONE);

  private P256Field() {}

  public static long[] create() {
    return new long[LIMBS];
  }

  /** The element for {@code value} (0 ≤ value < p), in Montgomery form. */
  public static long[] of(BigInteger value) {
    return limbsOf(value.multiply(R).mod(P));
  }

  /** The integer (below p) that {@code a} stands for. */
  public static BigInteger toBigInteger(long[] a) {
    long[] c = create();
    canonical(a, c);
    BigInteger value = BigInteger.ZERO;
    for (int i = LIMBS - 1; i >= 0; i--) {
      value = value.shiftLeft(52).add(BigInteger.valueOf(c[i]));
    }
    return value.multiply(R_INVERSE).mod(P);
  }

  /**
   * The integer (below p) that {@code a} stands for, out of Montgomery form, as eight little-endian 32-bit
   * words (BouncyCastle's field layout). Branch-free.
   */
  public static void toWords(long[] a, int[] words) {
    long[] plain = create();
    multiply(a, RAW_ONE, plain); // a·R · 1 · R⁻¹
    canonical(plain, plain);
    for (int w = 0; w < 8; w++) {
      int bit = 32 * w;
      int limb = bit / 52;
      int shift = bit % 52;
      long next = limb + 1 < LIMBS ? plain[limb + 1] << (52 - shift) : 0L;
      words[w] = (int) ((plain[limb] >>> shift) | next);
    }
  }

  private static long[] limbsOf(BigInteger value) {
    long[] limbs = create();
    for (int i = 0; i < LIMBS - 1; i++) {
      limbs[i] = value.shiftRight(52 * i).longValue() & MASK;
    }
    limbs[LIMBS - 1] = value.shiftRight(52 * (LIMBS - 1)).longValue();
    return limbs;
  }

  public static void copy(long[] a, long[] z) {
    System.arraycopy(a, 0, z, 0, LIMBS);
  }

  /** z = a + b. */
  public static void add(long[] a, long[] b, long[] z) {
    weakReduce(a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4], z);
  }

  /** z = a − b (computed as a + 2p − b, which is positive for b below 2p). */
  public static void subtract(long[] a, long[] b, long[] z) {
    weakReduce(a[0] - b[0] + TWO_P[0], a[1] - b[1] + TWO_P[1], a[2] - b[2] + TWO_P[2], a[3] - b[3] + TWO_P[3],
        a[4] - b[4] + TWO_P[4], z);
  }

  /**
   * z = a + b without carrying or folding: the result is only fit as an input of {@link #multiply} or
   * {@link #square} (which accept values below 4p in any limb form), never of another linear routine.
   */
  public static void addForProduct(long[] a, long[] b, long[] z) {
    z[0] = a[0] + b[0];
    z[1] = a[1] + b[1];
    z[2] = a[2] + b[2];
    z[3] = a[3] + b[3];
    z[4] = a[4] + b[4];
  }

  /** z = a − b + 2p without carrying or folding: as {@link #addForProduct}, only for products. */
  public static void subtractForProduct(long[] a, long[] b, long[] z) {
    z[0] = a[0] - b[0] + TWO_P[0];
    z[1] = a[1] - b[1] + TWO_P[1];
    z[2] = a[2] - b[2] + TWO_P[2];
    z[3] = a[3] - b[3] + TWO_P[3];
    z[4] = a[4] - b[4] + TWO_P[4];
  }

  /** z = −a. */
  public static void negate(long[] a, long[] z) {
    weakReduce(TWO_P[0] - a[0], TWO_P[1] - a[1], TWO_P[2] - a[2], TWO_P[3] - a[3], TWO_P[4] - a[4], z);
  }

  /** z = k·a for a small k (1 to 16). */
  public static void times(long[] a, int k, long[] z) {
    weakReduce(a[0] * k, a[1] * k, a[2] * k, a[3] * k, a[4] * k, z);
  }

  /**
   * Carries the limbs into radix-2^52 form, then folds the bits at and above 2^256 back in with
   * 2^256 ≡ 2^224 − 2^192 − 2^96 + 1 (mod p), leaving a value below 2p. Accepts any limbs whose value is
   * non-negative and below about 2^262.
   */
  private static void weakReduce(long t0, long t1, long t2, long t3, long t4, long[] z) {
    t1 += t0 >> 52;
    t0 &= MASK;
    t2 += t1 >> 52;
    t1 &= MASK;
    t3 += t2 >> 52;
    t2 &= MASK;
    t4 += t3 >> 52;
    t3 &= MASK;
    long high = t4 >> 48; // the value's bits from 2^256 up (limb 4 starts at bit 208)
    t4 &= (1L << 48) - 1;
    t0 += high;
    t1 -= high << 44; // 2^96 = 2^52 · 2^44
    t3 -= high << 36; // 2^192 = 2^156 · 2^36
    t4 += high << 16; // 2^224 = 2^208 · 2^16
    t1 += t0 >> 52;
    t0 &= MASK;
    t2 += t1 >> 52;
    t1 &= MASK;
    t3 += t2 >> 52;
    t2 &= MASK;
    t4 += t3 >> 52;
    t3 &= MASK;
    z[0] = t0;
    z[1] = t1;
    z[2] = t2;
    z[3] = t3;
    z[4] = t4;
  }

  /**
   * The representative below p (limbs normalized), for equality tests. Branch-free: value − p is taken by
   * masking when it is not negative, so signing (a secret nonce's partial sums) can use it too.
   */
  public static void canonical(long[] a, long[] z) {
    weakReduce(a[0], a[1], a[2], a[3], a[4], z);
    long d0 = z[0] - P_LIMBS[0];
    long d1 = z[1] - P_LIMBS[1] + (d0 >> 52);
    long d2 = z[2] - P_LIMBS[2] + (d1 >> 52);
    long d3 = z[3] - P_LIMBS[3] + (d2 >> 52);
    long d4 = z[4] - P_LIMBS[4] + (d3 >> 52);
    long keep = d4 >> 63; // all ones when value − p is negative: keep the value
    z[0] = (z[0] & keep) | (d0 & MASK & ~keep);
    z[1] = (z[1] & keep) | (d1 & MASK & ~keep);
    z[2] = (z[2] & keep) | (d2 & MASK & ~keep);
    z[3] = (z[3] & keep) | (d3 & MASK & ~keep);
    z[4] = (z[4] & keep) | (d4 & ~keep);
  }

  /** Whether a ≡ 0 (mod p). */
  public static boolean isZero(long[] a, long[] scratch) {
    canonical(a, scratch);
    return (scratch[0] | scratch[1] | scratch[2] | scratch[3] | scratch[4]) == 0;
  }

  /** Whether a ≡ b (mod p). */
  public static boolean equal(long[] a, long[] b, long[] scratchA, long[] scratchB) {
    canonical(a, scratchA);
    canonical(b, scratchB);
    return java.util.Arrays.equals(scratchA, scratchB);
  }

  /** z = a·b (Montgomery product a·b·R⁻¹; z may be a or b). */
  public static void multiply(long[] a, long[] b, long[] z) {
    long a0 = a[0];
    long a1 = a[1];
    long a2 = a[2];
    long a3 = a[3];
    long a4 = a[4];
    long b0 = b[0];
    long b1 = b[1];
    long b2 = b[2];
    long b3 = b[3];
    long b4 = b[4];
    // Column k collects the low 52 bits of every product a_i·b_j with i + j = k and the high part of those
    // with i + j = k − 1.
    long lo;
    long t0;
    long t1;
    long t2;
    long t3;
    long t4;
    long t5;
    long t6;
    long t7;
    long t8;
    long t9;
    lo = a0 * b0;
    t0 = lo & MASK;
    t1 = high(lo, a0, b0);
    lo = a0 * b1;
    t1 += lo & MASK;
    t2 = high(lo, a0, b1);
    lo = a1 * b0;
    t1 += lo & MASK;
    t2 += high(lo, a1, b0);
    lo = a0 * b2;
    t2 += lo & MASK;
    t3 = high(lo, a0, b2);
    lo = a1 * b1;
    t2 += lo & MASK;
    t3 += high(lo, a1, b1);
    lo = a2 * b0;
    t2 += lo & MASK;
    t3 += high(lo, a2, b0);
    lo = a0 * b3;
    t3 += lo & MASK;
    t4 = high(lo, a0, b3);
    lo = a1 * b2;
    t3 += lo & MASK;
    t4 += high(lo, a1, b2);
    lo = a2 * b1;
    t3 += lo & MASK;
    t4 += high(lo, a2, b1);
    lo = a3 * b0;
    t3 += lo & MASK;
    t4 += high(lo, a3, b0);
    lo = a0 * b4;
    t4 += lo & MASK;
    t5 = high(lo, a0, b4);
    lo = a1 * b3;
    t4 += lo & MASK;
    t5 += high(lo, a1, b3);
    lo = a2 * b2;
    t4 += lo & MASK;
    t5 += high(lo, a2, b2);
    lo = a3 * b1;
    t4 += lo & MASK;
    t5 += high(lo, a3, b1);
    lo = a4 * b0;
    t4 += lo & MASK;
    t5 += high(lo, a4, b0);
    lo = a1 * b4;
    t5 += lo & MASK;
    t6 = high(lo, a1, b4);
    lo = a2 * b3;
    t5 += lo & MASK;
    t6 += high(lo, a2, b3);
    lo = a3 * b2;
    t5 += lo & MASK;
    t6 += high(lo, a3, b2);
    lo = a4 * b1;
    t5 += lo & MASK;
    t6 += high(lo, a4, b1);
    lo = a2 * b4;
    t6 += lo & MASK;
    t7 = high(lo, a2, b4);
    lo = a3 * b3;
    t6 += lo & MASK;
    t7 += high(lo, a3, b3);
    lo = a4 * b2;
    t6 += lo & MASK;
    t7 += high(lo, a4, b2);
    lo = a3 * b4;
    t7 += lo & MASK;
    t8 = high(lo, a3, b4);
    lo = a4 * b3;
    t7 += lo & MASK;
    t8 += high(lo, a4, b3);
    lo = a4 * b4;
    t8 += lo & MASK;
    t9 = high(lo, a4, b4);
    montgomeryReduce(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, z);
  }

  /** z = a² (z may be a): the cross products once, doubled. */
  public static void square(long[] a, long[] z) {
    long a0 = a[0];
    long a1 = a[1];
    long a2 = a[2];
    long a3 = a[3];
    long a4 = a[4];
    long d0 = a0 << 1;
    long d1 = a1 << 1;
    long d2 = a2 << 1;
    long d3 = a3 << 1;
    long lo;
    long t0;
    long t1;
    long t2;
    long t3;
    long t4;
    long t5;
    long t6;
    long t7;
    long t8;
    long t9;
    lo = a0 * a0;
    t0 = lo & MASK;
    t1 = high(lo, a0, a0);
    lo = d0 * a1;
    t1 += lo & MASK;
    t2 = high(lo, d0, a1);
    lo = d0 * a2;
    t2 += lo & MASK;
    t3 = high(lo, d0, a2);
    lo = a1 * a1;
    t2 += lo & MASK;
    t3 += high(lo, a1, a1);
    lo = d0 * a3;
    t3 += lo & MASK;
    t4 = high(lo, d0, a3);
    lo = d1 * a2;
    t3 += lo & MASK;
    t4 += high(lo, d1, a2);
    lo = d0 * a4;
    t4 += lo & MASK;
    t5 = high(lo, d0, a4);
    lo = d1 * a3;
    t4 += lo & MASK;
    t5 += high(lo, d1, a3);
    lo = a2 * a2;
    t4 += lo & MASK;
    t5 += high(lo, a2, a2);
    lo = d1 * a4;
    t5 += lo & MASK;
    t6 = high(lo, d1, a4);
    lo = d2 * a3;
    t5 += lo & MASK;
    t6 += high(lo, d2, a3);
    lo = d2 * a4;
    t6 += lo & MASK;
    t7 = high(lo, d2, a4);
    lo = a3 * a3;
    t6 += lo & MASK;
    t7 += high(lo, a3, a3);
    lo = d3 * a4;
    t7 += lo & MASK;
    t8 = high(lo, d3, a4);
    lo = a4 * a4;
    t8 += lo & MASK;
    t9 = high(lo, a4, a4);
    montgomeryReduce(t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, z);
  }

  /** The product x·y (whose low 64 bits are {@code lo}) shifted right by 52: its bits from 52 up. */
  private static long high(long lo, long x, long y) {
    return (lo >>> 52) | (Math.multiplyHigh(x, y) << 12);
  }

  /**
   * (t + m·p)/2^260 over five rounds: each takes m = the lowest limb mod 2^52 (−p⁻¹ ≡ 1 mod 2^52, so adding
   * m·p clears it), adds m·(2^256 − 2^224 + 2^192 + 2^96) as shifted pieces, and moves on one limb. For
   * inputs below 2^(2·258) the result is below 2p; it is then carried into normalized limbs.
   */
  private static void montgomeryReduce(long t0, long t1, long t2, long t3, long t4, long t5, long t6, long t7,
      long t8, long t9, long[] z) {
    long m = t0 & MASK;
    t1 += (t0 >> 52) + ((m << 44) & MASK);
    t2 += m >>> 8;
    t3 += (m << 36) & MASK;
    t4 += (m >>> 16) - ((m << 16) & MASK) + ((m << 48) & MASK);
    t5 += (m >>> 4) - (m >>> 36);
    m = t1 & MASK;
    t2 += (t1 >> 52) + ((m << 44) & MASK);
    t3 += m >>> 8;
    t4 += (m << 36) & MASK;
    t5 += (m >>> 16) - ((m << 16) & MASK) + ((m << 48) & MASK);
    t6 += (m >>> 4) - (m >>> 36);
    m = t2 & MASK;
    t3 += (t2 >> 52) + ((m << 44) & MASK);
    t4 += m >>> 8;
    t5 += (m << 36) & MASK;
    t6 += (m >>> 16) - ((m << 16) & MASK) + ((m << 48) & MASK);
    t7 += (m >>> 4) - (m >>> 36);
    m = t3 & MASK;
    t4 += (t3 >> 52) + ((m << 44) & MASK);
    t5 += m >>> 8;
    t6 += (m << 36) & MASK;
    t7 += (m >>> 16) - ((m << 16) & MASK) + ((m << 48) & MASK);
    t8 += (m >>> 4) - (m >>> 36);
    m = t4 & MASK;
    t5 += (t4 >> 52) + ((m << 44) & MASK);
    t6 += m >>> 8;
    t7 += (m << 36) & MASK;
    t8 += (m >>> 16) - ((m << 16) & MASK) + ((m << 48) & MASK);
    t9 += (m >>> 4) - (m >>> 36);
    t6 += t5 >> 52;
    z[0] = t5 & MASK;
    t7 += t6 >> 52;
    z[1] = t6 & MASK;
    t8 += t7 >> 52;
    z[2] = t7 & MASK;
    t9 += t8 >> 52;
    z[3] = t8 & MASK;
    z[4] = t9;
  }
}
