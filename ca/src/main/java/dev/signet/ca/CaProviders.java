package dev.signet.ca;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The JCA provider the CA signs and verifies with, chosen by measurement (benchmarks/RESULTS.md: on
 * JDK 25 BouncyCastle's ECDSA P-256 signs and verifies faster than SunEC here). One instance for the
 * module, never installed globally, so the rest of the JVM keeps the JDK's providers.
 */
public final class CaProviders {
  /** The BouncyCastle provider instance the CA uses. */
  public static final BouncyCastleProvider BOUNCY_CASTLE = new BouncyCastleProvider();

  private CaProviders() {}
}
