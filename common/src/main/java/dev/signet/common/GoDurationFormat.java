package dev.signet.common;

/** Go's {@code Duration.String()} on a nanosecond count. */
final class GoDurationFormat {
  private GoDurationFormat() {}

  static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    boolean negative = nanos < 0;
    long u = negative ? -nanos : nanos; // Long.MIN_VALUE stays negative: handled as unsigned below
    StringBuilder out = new StringBuilder();
    if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
      int precision;
      String unit;
      if (u < 1_000L) {
        precision = 0;
        unit = "ns";
      } else if (u < 1_000_000L) {
        precision = 3;
        unit = "\u00b5s";
      } else {
        precision = 6;
        unit = "ms";
      }
      out.append(unit);
      u = fraction(out, u, precision);
      out.insert(0, Long.toUnsignedString(u));
    } else {
      out.append('s');
      u = fraction(out, u, 9);
      out.insert(0, Long.remainderUnsigned(u, 60));
      u = Long.divideUnsigned(u, 60);
      if (u > 0) {
        out.insert(0, 'm').insert(0, u % 60);
        u /= 60;
        if (u > 0) {
          out.insert(0, 'h').insert(0, u);
        }
      }
    }
    return negative ? "-" + out : out.toString();
  }

  /** Prepends the fractional digits of {@code v / 10^precision} without trailing zeros; returns the whole part. */
  private static long fraction(StringBuilder out, long v, int precision) {
    StringBuilder digits = new StringBuilder();
    boolean print = false;
    for (int i = 0; i < precision; i++) {
      long digit = Long.remainderUnsigned(v, 10);
      print = print || digit != 0;
      if (print) {
        digits.insert(0, (char) ('0' + digit));
      }
      v = Long.divideUnsigned(v, 10);
    }
    if (print) {
      out.insert(0, "." + digits);
    }
    return v;
  }
}
