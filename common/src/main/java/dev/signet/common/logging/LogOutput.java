package dev.signet.common.logging;

import dev.signet.common.config.ConfigException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a daemon's log lines go and in which form: {@code log_format} ({@code text}, the default, or
 * {@code json}: one JSON object per line) and {@code log_file} (append to that file; unset: stderr). The
 * daemons apply it at start-up ({@code signet-server run}, {@code signet-agent run}).
 *
 * @param format the line format
 * @param file the file to append to, or null for stderr
 */
public record LogOutput(Format format, Path file) {
  /** Text lines on stderr. */
  public static final LogOutput DEFAULT = new LogOutput(Format.TEXT, null);

  /** The form of a line. */
  public enum Format {
    /** Time, level, thread, logger, message, then the fields as {@code key="value"}. */
    TEXT,
    /** One JSON object per line (logback's JsonEncoder). */
    JSON
  }

  public LogOutput {
    Objects.requireNonNull(format, "format");
  }

  /**
   * Checks {@code log_format} and {@code log_file} as written in the config section {@code section}; an
   * empty or absent value means the default. SPIRE spells the formats {@code text} and {@code json}, in
   * any case.
   */
  public static LogOutput parse(String section, String format, String file) {
    Format parsed;
    if (format == null || format.isEmpty()) {
      parsed = Format.TEXT;
    } else {
      parsed = switch (format.toLowerCase(Locale.ROOT)) {
        case "text" -> Format.TEXT;
        case "json" -> Format.JSON;
        default -> throw new ConfigException(section + ".log_format \"" + format
            + "\" is not one of text, json");
      };
    }
    return new LogOutput(parsed, file == null || file.isEmpty() ? null : Path.of(file));
  }
}
