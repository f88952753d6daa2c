package dev.signet.ca.x509;

/** DER type-length-value encoding of already-encoded contents (definite lengths, minimal length octets). */
final class DerTlv {
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int UTF8_STRING = 0x0C;
  static final int UTC_TIME = 0x17;
  static final int GENERALIZED_TIME = 0x18;
  static final int SEQUENCE = 0x30;
  static final int SET = 0x31;

  private DerTlv() {}

  /** tag ‖ length ‖ the parts concatenated. */
  static byte[] of(int tag, byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    if (length >= 1 << 24) {
      throw new IllegalArgumentException("DER value of " + length + " bytes is too long for a certificate");
    }
    int lengthOctets = length < 0x80 ? 0 : length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
    byte[] out = new byte[2 + lengthOctets + length];
    out[0] = (byte) tag;
    if (lengthOctets == 0) {
      out[1] = (byte) length;
    } else {
      out[1] = (byte) (0x80 | lengthOctets);
      for (int i = 0; i < lengthOctets; i++) {
        out[2 + i] = (byte) (length >>> (8 * (lengthOctets - 1 - i)));
      }
    }
    int at = 2 + lengthOctets;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  /** An IA5String-valued field (the tag is the caller's: a SAN's [2] dNSName or [6] URI); ASCII only. */
  static byte[] ia5(int tag, String value) {
    byte[] bytes = new byte[value.length()];
    for (int i = 0; i < bytes.length; i++) {
      char c = value.charAt(i);
      if (c > 0x7F) {
        throw new IllegalArgumentException("\"" + value + "\" is not ASCII, so it cannot be an IA5String");
      }
      bytes[i] = (byte) c;
    }
    return of(tag, bytes);
  }

  /**
   * A certificate time (RFC 5280 §4.1.2.5): UTCTime {@code YYMMDDHHMMSSZ} for the years 1950–2049, else
   * GeneralizedTime {@code YYYYMMDDHHMMSSZ}; whole seconds (fractions dropped), UTC.
   */
  static byte[] time(java.time.Instant instant) {
    java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0,
        java.time.ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      throw new IllegalArgumentException("certificate time " + instant + " is outside the years 0000-9999");
    }
    boolean utc = year >= 1950 && year < 2050;
    byte[] out = new byte[utc ? 13 : 15];
    int at = utc ? digits(out, 0, year % 100, 2) : digits(out, 0, year, 4);
    at = digits(out, at, t.getMonthValue(), 2);
    at = digits(out, at, t.getDayOfMonth(), 2);
    at = digits(out, at, t.getHour(), 2);
    at = digits(out, at, t.getMinute(), 2);
    at = digits(out, at, t.getSecond(), 2);
    out[at] = 'Z';
    return of(utc ? UTC_TIME : GENERALIZED_TIME, out);
  }

  private static int digits(byte[] out, int at, int value, int count) {
    for (int i = count - 1; i >= 0; i--) {
      out[at + i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return at + count;
  }
}
