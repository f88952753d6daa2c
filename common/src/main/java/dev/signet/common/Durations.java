package dev.signet.common;

import java.time.Duration;
import java.util.Map;

/**
 * Go {@code time.Duration} text, as SPIRE's config and CLI use it: {@code 1h}, {@code 30m}, {@code 720h},
 * {@code 1h30m}, {@code 1.5h}, {@code 300ms}, {@code 0}. Parsing follows {@code time.ParseDuration} exactly
 * (signs, fractions, units ns/us/µs/ms/s/m/h, "0" the only unit-less value, 64-bit nanosecond range);
 * formatting follows {@code Duration.String()} ({@code 1h0m0s}, {@code 1.5s}, {@code 300ms}, {@code 0s}).
 */
public final class Durations {
  private static final Map<String, Long> UNITS = Map.of(
      "ns", 1L, "us", 1_000L, "\u00b5s", 1_000L, "\u03bcs", 1_000L,
      "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
  private static final long MAX_MAGNITUDE = Long.MIN_VALUE; // 1<<63 as an unsigned value

  private Durations() {}

  /** Parses Go duration text; throws {@link IllegalArgumentException} quoting the text. */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("duration is missing");
    }
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid(text, "");
    }
    long total = 0; // unsigned
    int i = 0;
    while (i < s.length()) {
      int start = i;
      long whole = 0;
      while (i < s.length() && isDigit(s.charAt(i))) {
        if (Long.compareUnsigned(whole, Long.divideUnsigned(MAX_MAGNITUDE, 10)) > 0) {
          throw invalid(text, " (out of range)");
        }
        whole = whole * 10 + (s.charAt(i++) - '0');
        if (Long.compareUnsigned(whole, MAX_MAGNITUDE) > 0) {
          throw invalid(text, " (out of range)");
        }
      }
      boolean hasWhole = i > start;
      long fraction = 0;
      double scale = 1;
      boolean hasFraction = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fractionStart = i;
        boolean overflow = false;
        while (i < s.length() && isDigit(s.charAt(i))) {
          long next = fraction * 10 + (s.charAt(i++) - '0');
          if (overflow || fraction > Long.MAX_VALUE / 10 || Long.compareUnsigned(next, MAX_MAGNITUDE) > 0) {
            overflow = true; // Go keeps the digits it could hold and ignores the rest
            continue;
          }
          fraction = next;
          scale *= 10;
        }
        hasFraction = i > fractionStart;
      }
      if (!hasWhole && !hasFraction) {
        throw invalid(text, "");
      }
      int unitStart = i;
      while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        i++;
      }
      if (i == unitStart) {
        throw new IllegalArgumentException("invalid duration \"" + text + "\": missing unit (one of ns, us, ms, s, m, h)");
      }
      String unitText = s.substring(unitStart, i);
      Long unit = UNITS.get(unitText);
      if (unit == null) {
        throw new IllegalArgumentException("invalid duration \"" + text + "\": unknown unit \"" + unitText + "\"");
      }
      if (Long.compareUnsigned(whole, Long.divideUnsigned(MAX_MAGNITUDE, unit)) > 0) {
        throw invalid(text, " (out of range)");
      }
      long value = whole * unit;
      if (fraction != 0) {
        value += (long) (fraction * (unit / scale));
        if (Long.compareUnsigned(value, MAX_MAGNITUDE) > 0) {
          throw invalid(text, " (out of range)");
        }
      }
      total += value;
      if (Long.compareUnsigned(total, MAX_MAGNITUDE) > 0 || Long.compareUnsigned(total, value) < 0) {
        throw invalid(text, " (out of range)");
      }
    }
    if (negative) {
      return Duration.ofNanos(-total);
    }
    if (total < 0) {
      throw invalid(text, " (out of range)");
    }
    return Duration.ofNanos(total);
  }

  /** Formats like Go's {@code Duration.String()}; throws when the duration exceeds Go's 64-bit range. */
  public static String format(Duration duration) {
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration " + duration + " is beyond the 64-bit nanosecond range", e);
    }
    return GoDurationFormat.format(nanos);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String text, String detail) {
    return new IllegalArgumentException("invalid duration \"" + text + "\"" + detail);
  }
}
