package dev.signet.ca.ecsign;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.WNafL2RMultiplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class P256FixedBaseMultiplierTest {
  static final ECPoint G = P256FixedBaseMultiplier.P256.getG();
  static final BigInteger N = P256FixedBaseMultiplier.P256.getN();

  /** The table's built-in offset, where digit patterns are extreme. */
  static BigInteger offset(int width) {
    return (width == P256FixedBaseMultiplier.DEFAULT_WIDTH ? P256FixedBaseMultiplier.instance()
        : new P256FixedBaseMultiplier(width)).offset();
  }

  static List<BigInteger> scalars(int width, int randomCount) {
    List<BigInteger> scalars = new ArrayList<>();
    for (long small = 0; small <= 300; small++) {
      scalars.add(BigInteger.valueOf(small));
    }
    BigInteger c = offset(width);
    for (long delta = -3; delta <= 3; delta++) {
      scalars.add(N.add(BigInteger.valueOf(delta)).mod(N)); // 0, n−1, n−2, ...
      scalars.add(c.add(BigInteger.valueOf(delta)).mod(N)); // shifted scalar near 0: all digits 0
    }
    // shifted scalar with digit 0 = 2^w − 1 and digit 1 = 0: the partial sum 2^w·G equals the next addend
    scalars.add(c.add(BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE)).mod(N));
    scalars.add(c.subtract(BigInteger.ONE).mod(N)); // shifted scalar n − 1: all top digits
    scalars.add(BigInteger.ONE.shiftLeft(255));
    scalars.add(BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE));
    scalars.add(BigInteger.ONE.shiftLeft(128));
    scalars.add(N); // n·G = infinity
    scalars.add(N.add(BigInteger.valueOf(5))); // reduced mod n
    scalars.add(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)); // above n
    Random random = new Random(6979 + width);
    for (int i = 0; i < randomCount; i++) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      if (i % 3 == 0) { // scalars with zero bytes (zero digits)
        for (int b = 0; b < 32; b += 1 + random.nextInt(4)) {
          bytes[b] = 0;
        }
      }
      if (i % 7 == 0) {
        bytes[0] = 0; // short scalars
      }
      scalars.add(new BigInteger(1, bytes).mod(N));
    }
    return scalars;
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4, 5, 6, 7, 8})
  void equalsBouncyCastlesMultipliers(int width) {
    P256FixedBaseMultiplier table = width == P256FixedBaseMultiplier.DEFAULT_WIDTH
        ? P256FixedBaseMultiplier.instance() : new P256FixedBaseMultiplier(width);
    int randomCount = width == P256FixedBaseMultiplier.DEFAULT_WIDTH ? 2000 : 300;
    FixedPointCombMultiplier comb = new FixedPointCombMultiplier();
    WNafL2RMultiplier wnaf = new WNafL2RMultiplier();
    for (BigInteger k : scalars(width, randomCount)) {
      ECPoint expected = comb.multiply(G, k.mod(N)).normalize();
      assertThat(table.multiply(G, k).normalize()).as("%s·G, width %s", k, width).isEqualTo(expected);
      assertThat(wnaf.multiply(G, k).normalize()).isEqualTo(expected);
      assertThat(table.multiply(G, k.negate())).as("-%s·G", k).isEqualTo(expected.negate());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void infinityIsReturnedForMultiplesOfTheOrder(int multiple) {
    assertThat(P256FixedBaseMultiplier.instance().multiply(G, N.multiply(BigInteger.valueOf(multiple))).isInfinity())
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 12345})
  void otherPointsAreMultipliedByTheComb(int base) {
    ECPoint p = G.multiply(BigInteger.valueOf(base)).normalize();
    BigInteger k = new BigInteger("123456789abcdef0123456789abcdef", 16);
    assertThat(P256FixedBaseMultiplier.instance().multiply(p, k)).isEqualTo(p.multiply(k));
  }

  /**
   * The property that keeps the addition formulas off their equal/opposite branch: in integers, every
   * partial sum's largest possible multiple of G is below the next addend's smallest, and below n
   * before the last window.
   */
  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8})
  void noPartialSumCanMeetTheNextAddend(int width) {
    P256FixedBaseMultiplier table = new P256FixedBaseMultiplier(width);
    BigInteger maxDigit = BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE);
    BigInteger largestSum = BigInteger.ZERO;
    for (int i = 0; i < table.windowCount() - 1; i++) {
      BigInteger scale = BigInteger.ONE.shiftLeft(width * i);
      largestSum = largestSum.add(maxDigit.add(BigInteger.valueOf(P256FixedBaseMultiplier.entryOffset(i))).multiply(scale));
      BigInteger nextSmallest = BigInteger.valueOf(P256FixedBaseMultiplier.entryOffset(i + 1))
          .shiftLeft(width * (i + 1));
      assertThat(largestSum).as("width %d, after window %d", width, i).isLessThan(nextSmallest);
      if (i + 1 < table.windowCount() - 1) {
        assertThat(largestSum.add(maxDigit.add(BigInteger.TWO).shiftLeft(width * (i + 1))))
            .as("the sum after window %d stays below n", i + 1).isLessThan(N);
      }
    }
  }

  @Test
  void widthOneIsRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new P256FixedBaseMultiplier(1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
