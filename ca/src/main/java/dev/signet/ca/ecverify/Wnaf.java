package dev.signet.ca.ecverify;

/**
 * Width-w non-adjacent form of a non-negative scalar below 2^256: digits d_i, each zero or odd with
 * |d_i| < 2^(w−1), such that k = Σ d_i·2^i, and any w consecutive digits hold at most one non-zero one.
 * A scalar multiplication then needs one addition of a table point (an odd multiple) per non-zero digit,
 * about 256/(w+1) of them. Public scalars only: the recoding branches on the scalar's bits.
 */
final class Wnaf {
  /** Digits for bit positions 0..256; the top one catches the carry out of bit 255. */
  static final int LENGTH = 257;

  private Wnaf() {}

  /**
   * Recodes {@code scalar} (eight little-endian 32-bit words) into {@code digits} (length {@link #LENGTH}),
   * with window width {@code width} (2 to 16).
   */
  static void recode(int[] scalar, int width, int[] digits) {
    java.util.Arrays.fill(digits, 0);
    int carry = 0;
    int bit = 0;
    while (bit < LENGTH) {
      if (bitAt(scalar, bit) == carry) {
        bit++;
        continue;
      }
      // The window starting here, plus the carry left by a negative digit below it.
      int value = bitsAt(scalar, bit, width) + carry;
      carry = (value >>> (width - 1)) & 1;
      digits[bit] = value - (carry << width);
      bit += width;
    }
  }

  private static int bitAt(int[] scalar, int bit) {
    return bit >= 256 ? 0 : (scalar[bit >>> 5] >>> (bit & 31)) & 1;
  }

  private static int bitsAt(int[] scalar, int bit, int width) {
    int word = bit >>> 5;
    if (word >= 8) {
      return 0;
    }
    long pair = (scalar[word] & 0xFFFFFFFFL) | (word + 1 < 8 ? (long) scalar[word + 1] << 32 : 0L);
    return (int) (pair >>> (bit & 31)) & ((1 << width) - 1);
  }
}
