package dev.signet.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.signet.proto.spire.api.types.LogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's root log level, as SPIRE's Logger APIs see it: the level it was launched with
 * ({@code log_level}), the current one, and changes at run time. SPIRE's PANIC and FATAL map to ERROR.
 */
public final class RootLogLevel {
  private static volatile Level launch = Level.INFO;

  private RootLogLevel() {}

  /** Sets the level at start-up from {@code log_level} (DEBUG, INFO, WARN, ERROR, TRACE). */
  public static void launch(String configured) {
    launch = Level.toLevel(configured, Level.INFO);
    root().setLevel(launch);
  }

  public static LogLevel current() {
    return toProto(root().getLevel() == null ? launch : root().getLevel());
  }

  public static LogLevel launchLevel() {
    return toProto(launch);
  }

  /** Changes the level; UNSPECIFIED is refused by the caller before it gets here. */
  public static void set(LogLevel level) {
    root().setLevel(toLogback(level));
  }

  /**
   * SPIRE's level as logback's: logback has no PANIC or FATAL, so both are ERROR, the most severe level that
   * still logs. The one mapping of the server's and the agent's Logger APIs.
   *
   * @throws IllegalArgumentException for UNSPECIFIED (no level), which the APIs refuse before asking
   */
  public static Level toLogback(LogLevel level) {
    return switch (level) {
      case PANIC, FATAL, ERROR -> Level.ERROR;
      case WARN -> Level.WARN;
      case INFO -> Level.INFO;
      case DEBUG -> Level.DEBUG;
      case TRACE -> Level.TRACE;
      case UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException("log level " + level + " is not a level");
    };
  }

  /** Logback's level as SPIRE's; OFF (nothing is logged, not even errors) is PANIC. */
  public static LogLevel toProto(Level level) {
    return switch (level.toInt()) {
      case Level.TRACE_INT, Level.ALL_INT -> LogLevel.TRACE;
      case Level.DEBUG_INT -> LogLevel.DEBUG;
      case Level.INFO_INT -> LogLevel.INFO;
      case Level.WARN_INT -> LogLevel.WARN;
      case Level.ERROR_INT -> LogLevel.ERROR;
      default -> LogLevel.PANIC;
    };
  }

  public static void reset() {
    root().setLevel(launch);
  }

  private static ch.qos.logback.classic.Logger root() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      return context.getLogger(Logger.ROOT_LOGGER_NAME);
    }
    throw new IllegalStateException("logging is not backed by logback");
  }
}
