package dev.signet.controller.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go duration strings as Kubernetes manifests carry them ({@code 10s}, {@code 1h30m}, {@code 500ms}, {@code 0}). */
public final class GoDuration {
  private static final Pattern UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  /** Parses a Go duration; throws {@link IllegalArgumentException} quoting the text. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("duration is empty");
    }
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = UNIT.matcher(text);
    long nanos = 0;
    int at = 0;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException("duration \"" + text + "\" is not a Go duration such as 90s or 1h30m");
      }
      double value = Double.parseDouble(m.group(1));
      nanos += (long) (value * switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      });
      at = m.end();
    }
    return Duration.ofNanos(nanos);
  }
}
