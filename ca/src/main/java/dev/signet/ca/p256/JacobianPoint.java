package dev.signet.ca.p256;

import static dev.signet.ca.p256.P256Field.multiply;
import static dev.signet.ca.p256.P256Field.square;
import static dev.signet.ca.p256.P256Field.subtract;
import static dev.signet.ca.p256.P256Field.times;

/**
 * A mutable P-256 point in Jacobian coordinates (x = X/Z², y = Y/Z³; Z ≡ 0 is the point at infinity) on
 * {@link P256Field} elements, computed in place without allocation. Formulas: doubling for a = −3
 * (3M + 5S), mixed addition with an affine point (8M + 3S) and general addition (12M + 4S); both additions
 * detect equal operands (then double) and opposite ones (then give infinity).
 *
 * <p>Timing: the field arithmetic is constant-time; the additions branch only on whether an operand is
 * infinity or the operands share an x-coordinate, which a fixed-base sum over a secret nonce whose table
 * holds no infinity reaches with negligible probability (BouncyCastle's formulas have the same property).
 * Not thread-safe: the points of one computation share one {@link Scratch}.
 */
public final class JacobianPoint {
  public final long[] x = P256Field.create();
  public final long[] y = P256Field.create();
  public final long[] z = P256Field.create();
  private final Scratch s;

  public JacobianPoint(Scratch scratch) {
    this.s = scratch;
  }

  /** Temporaries shared by the points of one computation. */
  public static final class Scratch {
    public final long[] t1 = P256Field.create();
    public final long[] t2 = P256Field.create();
    final long[] t3 = P256Field.create();
    final long[] t4 = P256Field.create();
    final long[] t5 = P256Field.create();
    final long[] t6 = P256Field.create();
    final long[] t7 = P256Field.create();
    final long[] t8 = P256Field.create();
    final long[] t9 = P256Field.create();
    public final long[] t10 = P256Field.create();
    final long[] negY = P256Field.create();
    public final long[] check = P256Field.create();
    public final long[] check2 = P256Field.create();
  }

  public boolean isInfinity() {
    return P256Field.isZero(z, s.check);
  }

  public void setInfinity() {
    java.util.Arrays.fill(x, 0);
    java.util.Arrays.fill(y, 0);
    java.util.Arrays.fill(z, 0);
  }

  public void setAffine(long[] ax, long[] ay) {
    P256Field.copy(ax, x);
    P256Field.copy(ay, y);
    P256Field.copy(P256Field.ONE, z);
  }

  public void set(JacobianPoint p) {
    P256Field.copy(p.x, x);
    P256Field.copy(p.y, y);
    P256Field.copy(p.z, z);
  }

  /** this = 2·this (infinity stays infinity: Z3 = 2·Y·Z). */
  public void twice() {
    long[] delta = s.t1;
    long[] gamma = s.t2;
    long[] beta = s.t3;
    long[] alpha = s.t4;
    long[] t = s.t5;
    square(z, delta);
    square(y, gamma);
    multiply(x, gamma, beta);
    // α = 3·(X − δ)·(X + δ)
    P256Field.subtractForProduct(x, delta, t);
    P256Field.addForProduct(x, delta, alpha);
    multiply(t, alpha, alpha);
    times(alpha, 3, alpha);
    // Z3 = (Y + Z)² − γ − δ = 2·Y·Z
    P256Field.addForProduct(y, z, t);
    square(t, z);
    subtract(z, gamma, z);
    subtract(z, delta, z);
    // X3 = α² − 8β
    times(beta, 4, beta);
    square(alpha, x);
    times(beta, 2, t);
    subtract(x, t, x);
    // Y3 = α·(4β − X3) − 8γ²
    P256Field.subtractForProduct(beta, x, beta);
    multiply(alpha, beta, y);
    square(gamma, t);
    times(t, 8, t);
    subtract(y, t, y);
  }

  /** this = this + (ax, ±ay) for an affine point; {@code negate} picks −ay. */
  public void addAffine(long[] ax, long[] ay, boolean negate) {
    long[] py = negate ? negated(ay) : ay;
    if (isInfinity()) {
      setAffine(ax, py);
      return;
    }
    long[] h = s.t4;
    long[] r = s.t5;
    scaleByOurZ(ax, py);
    subtract(s.t2, x, h);
    subtract(s.t3, y, r);
    if (equalOrOpposite(h, r)) {
      return;
    }
    finishAddition(h, r, x, y);
  }

  /** this = this + (±p); {@code negate} picks −p. */
  public void add(JacobianPoint p, boolean negate) {
    if (p.isInfinity()) {
      return;
    }
    long[] py = negate ? negated(p.y) : p.y;
    if (isInfinity()) {
      P256Field.copy(p.x, x);
      P256Field.copy(py, y);
      P256Field.copy(p.z, z);
      return;
    }
    long[] h = s.t4;
    long[] r = s.t5;
    long[] u1 = s.t6;
    long[] s1 = s.t7;
    long[] z2z2 = s.t8;
    scaleByOurZ(p.x, py);
    square(p.z, z2z2);
    multiply(x, z2z2, u1);
    multiply(p.z, z2z2, s1);
    multiply(y, s1, s1);
    subtract(s.t2, u1, h);
    subtract(s.t3, s1, r);
    if (equalOrOpposite(h, r)) {
      return;
    }
    multiply(z, p.z, z); // Z1·Z2, times H in finishAddition
    finishAddition(h, r, u1, s1);
  }

  /** −y in the scratch slot kept for it. */
  private long[] negated(long[] y) {
    P256Field.negate(y, s.negY);
    return s.negY;
  }

  /** The other operand brought to this point's Z: U2 = px·Z1² into t2 and S2 = py·Z1³ into t3. */
  private void scaleByOurZ(long[] px, long[] py) {
    long[] z1z1 = s.t1;
    square(z, z1z1);
    multiply(px, z1z1, s.t2);
    multiply(z, z1z1, s.t3);
    multiply(py, s.t3, s.t3);
  }

  /**
   * When H = 0 the operands have the same x: equal points (R = 0) are doubled, opposite ones give
   * infinity. Returns whether that case applied (and this now holds the result).
   */
  private boolean equalOrOpposite(long[] h, long[] r) {
    if (!P256Field.isZero(h, s.check)) {
      return false;
    }
    if (P256Field.isZero(r, s.check)) {
      twice();
    } else {
      setInfinity();
    }
    return true;
  }

  /**
   * Completes an addition from H = U2 − U1 and R = S2 − S1: X3 = R² − H³ − 2·U1·H², Y3 = R·(U1·H² − X3)
   * − S1·H³, Z3 = Z·H (Z already holds the product of the operands' Z, or Z1 for a mixed addition).
   */
  private void finishAddition(long[] h, long[] r, long[] u1, long[] s1) {
    long[] hh = s.t8;
    long[] hhh = s.t9;
    long[] v = s.t10;
    square(h, hh);
    multiply(h, hh, hhh);
    multiply(u1, hh, v);
    multiply(z, h, z);
    // X3 = R² − H³ − 2V
    square(r, x);
    subtract(x, hhh, x);
    times(v, 2, s.check2);
    subtract(x, s.check2, x);
    // Y3 = R·(V − X3) − S1·H³
    P256Field.subtractForProduct(v, x, v);
    multiply(r, v, v);
    multiply(s1, hhh, hhh);
    subtract(v, hhh, y);
  }
}
