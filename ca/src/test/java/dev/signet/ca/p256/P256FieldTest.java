package dev.signet.ca.p256;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every routine against BigInteger arithmetic mod p, on random values and on values next to 0, p and 2^256. */
class P256FieldTest {
  static final BigInteger P = P256Field.P;

  static List<BigInteger> values() {
    List<BigInteger> values = new ArrayList<>();
    for (long small = 0; small < 4; small++) {
      values.add(BigInteger.valueOf(small));
      values.add(P.subtract(BigInteger.valueOf(small + 1)));
    }
    values.add(BigInteger.ONE.shiftLeft(255));
    values.add(BigInteger.ONE.shiftLeft(224).subtract(BigInteger.ONE));
    values.add(BigInteger.ONE.shiftLeft(52).subtract(BigInteger.ONE));
    values.add(BigInteger.ONE.shiftLeft(208));
    Random random = new Random(52);
    for (int i = 0; i < 400; i++) {
      values.add(new BigInteger(256, random).mod(P));
    }
    return values;
  }

  @Test
  void matchesBigIntegerArithmetic() {
    List<BigInteger> values = values();
    long[] z = P256Field.create();
    long[] w = P256Field.create();
    for (int i = 0; i < values.size(); i++) {
      BigInteger a = values.get(i);
      BigInteger b = values.get((i * 7 + 3) % values.size());
      long[] fa = P256Field.of(a);
      long[] fb = P256Field.of(b);
      assertThat(P256Field.toBigInteger(fa)).isEqualTo(a);
      P256Field.multiply(fa, fb, z);
      assertThat(P256Field.toBigInteger(z)).as("%s·%s", a, b).isEqualTo(a.multiply(b).mod(P));
      P256Field.square(fa, z);
      assertThat(P256Field.toBigInteger(z)).as("%s²", a).isEqualTo(a.multiply(a).mod(P));
      P256Field.add(fa, fb, z);
      assertThat(P256Field.toBigInteger(z)).isEqualTo(a.add(b).mod(P));
      P256Field.subtract(fa, fb, z);
      assertThat(P256Field.toBigInteger(z)).isEqualTo(a.subtract(b).mod(P));
      P256Field.negate(fa, z);
      assertThat(P256Field.toBigInteger(z)).isEqualTo(a.negate().mod(P));
      for (int k = 1; k <= 16; k++) {
        P256Field.times(fa, k, z);
        assertThat(P256Field.toBigInteger(z)).isEqualTo(a.multiply(BigInteger.valueOf(k)).mod(P));
      }
      // the uncarried forms feed products
      P256Field.addForProduct(fa, fb, z);
      P256Field.multiply(z, fa, w);
      assertThat(P256Field.toBigInteger(w)).isEqualTo(a.add(b).multiply(a).mod(P));
      P256Field.subtractForProduct(fa, fb, z);
      P256Field.square(z, w);
      assertThat(P256Field.toBigInteger(w)).isEqualTo(a.subtract(b).pow(2).mod(P));
      assertThat(P256Field.isZero(fa, z)).isEqualTo(a.signum() == 0);
      int[] words = new int[8];
      P256Field.toWords(fa, words);
      assertThat(org.bouncycastle.math.raw.Nat256.toBigInteger(words)).isEqualTo(a);
    }
  }

  /** Outputs stay weakly reduced through long chains, so bounds never drift. */
  @Test
  void longChainsStayExact() {
    Random random = new Random(7);
    BigInteger a = new BigInteger(256, random).mod(P);
    BigInteger b = new BigInteger(256, random).mod(P);
    long[] fa = P256Field.of(a);
    long[] fb = P256Field.of(b);
    long[] t = P256Field.create();
    for (int i = 0; i < 10_000; i++) {
      switch (i % 5) {
        case 0 -> {
          P256Field.multiply(fa, fb, fa);
          a = a.multiply(b).mod(P);
        }
        case 1 -> {
          P256Field.subtract(fb, fa, fb);
          b = b.subtract(a).mod(P);
        }
        case 2 -> {
          P256Field.times(fa, 16, fa);
          a = a.shiftLeft(4).mod(P);
        }
        case 3 -> {
          P256Field.subtractForProduct(fa, fb, t);
          P256Field.square(t, fb);
          b = a.subtract(b).pow(2).mod(P);
        }
        default -> {
          P256Field.add(fa, fb, fa);
          a = a.add(b).mod(P);
        }
      }
      assertThat(fa[4] >>> 50).as("limb 4 of a at step %d", i).isZero();
      assertThat(fb[4] >>> 50).as("limb 4 of b at step %d", i).isZero();
    }
    assertThat(P256Field.toBigInteger(fa)).isEqualTo(a);
    assertThat(P256Field.toBigInteger(fb)).isEqualTo(b);
    assertThat(P256Field.equal(fa, P256Field.of(a), P256Field.create(), P256Field.create())).isTrue();
  }
}
