package dev.signet.ca.ecsign;

import org.bouncycastle.crypto.signers.DSAKCalculator;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.RandomDSAKCalculator;
import org.bouncycastle.math.ec.ECMultiplier;

/**
 * BouncyCastle's ECDSA with k·G computed by {@link P256FixedBaseMultiplier}: everything else (nonce
 * generation, r = x(k·G) mod n, s = k⁻¹(e + r·d) mod n, the retries when r or s is zero, the check that
 * k·G is on the curve) is BouncyCastle's own code. For keys on another curve the multiplier falls back to
 * BouncyCastle's comb, so the signer is still correct, just not faster. Not thread-safe (it holds the key
 * it was initialized with): one per signature.
 */
public final class P256EcdsaSigner extends ECDSASigner {
  private final P256FixedBaseMultiplier multiplier;

  /** A signer drawing each nonce from the random it is initialized with (BouncyCastle's default). */
  public P256EcdsaSigner() {
    this(new RandomDSAKCalculator(), P256FixedBaseMultiplier.instance());
  }

  /** A signer with the given nonce source and table (e.g. RFC 6979's HMacDSAKCalculator; a table width under test). */
  public P256EcdsaSigner(DSAKCalculator nonces, P256FixedBaseMultiplier multiplier) {
    super(nonces);
    this.multiplier = multiplier;
  }

  @Override
  protected ECMultiplier createBasePointMultiplier() {
    return multiplier;
  }
}
