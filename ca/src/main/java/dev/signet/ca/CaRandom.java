package dev.signet.ca;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * The one {@link SecureRandom} of the CA module. Seeding a SecureRandom is expensive and the JDK's
 * instances are thread-safe, so every serial number, key ID and signature nonce draws from this one.
 */
public final class CaRandom {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] KEY_ID_ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private CaRandom() {}

  /** The shared instance. */
  public static SecureRandom get() {
    return RANDOM;
  }

  /**
   * A random positive 128-bit certificate serial number (RFC 5280 §4.1.2.2: positive, at most 20 octets;
   * CA/B forum: at least 64 bits of entropy).
   */
  public static BigInteger serialNumber() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, RANDOM);
    } while (serial.signum() == 0);
    return serial;
  }

  /** A random token ID ({@code jti}): 128 bits as 32 lower-case hex digits. */
  public static String tokenId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  /** A random 32-character alphanumeric JWT key ID, as SPIRE makes them. */
  public static String keyId() {
    char[] id = new char[32];
    for (int i = 0; i < id.length; i++) {
      id[i] = KEY_ID_ALPHABET[RANDOM.nextInt(KEY_ID_ALPHABET.length)];
    }
    return new String(id);
  }
}
