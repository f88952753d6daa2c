package dev.signet.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.signet.common.config.ConfigException;
import dev.signet.common.files.OwnerOnly;
import dev.signet.common.logging.LogOutput;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a daemon's logging from its config at start-up ({@code run}): the root logger's level
 * ({@code log_level}), and its one appender, which writes text or JSON lines ({@code log_format}) to stderr
 * or appends them to {@code log_file}. The levels of other loggers ({@link DefaultLogging}: gRPC and Netty at
 * WARN) are kept; only the root's appenders are replaced.
 *
 * <p>Text lines are {@code time level [thread] logger: message key="value" ...}. JSON lines are logback's
 * {@link JsonEncoder} objects, one per line, with {@code timestamp} (epoch milliseconds), {@code level},
 * {@code threadName}, {@code loggerName}, {@code formattedMessage}, {@code kvpList} (the fields, an
 * array of one-member objects in the order they were added) and {@code throwable} (null, or the
 * exception with its frames).
 *
 * <p>Security: a log file this creates is readable by its owner only (0600), whatever the umask; an
 * existing one is appended to as it is (an operator who made it group-readable meant it).
 */
public final class DaemonLogging {
  /** The text layout: time, level, thread, logger, message, then the fields. */
  static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: %msg%replace( %kvp){'^ $', ''}%n";
  private static final String APPENDER_NAME = "daemon";

  private DaemonLogging() {}

  /**
   * Applies {@code level} and {@code output} to logback's root logger; a log file that cannot be created
   * or opened is a {@link ConfigException} (and nothing is changed).
   */
  public static void apply(String level, LogOutput output) {
    LoggerContext context = context();
    Encoder<ILoggingEvent> encoder = output.format() == LogOutput.Format.JSON ? json(context) : text(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender;
    if (output.file() == null) {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.err");
      appender = console;
    } else {
      createOwnerOnly(output.file());
      FileAppender<ILoggingEvent> file = new FileAppender<>();
      file.setFile(output.file().toString());
      file.setAppend(true);
      appender = file;
    }
    appender.setName(APPENDER_NAME);
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.start();
    if (!appender.isStarted()) {
      throw new ConfigException("log_file \"" + output.file() + "\" cannot be opened for appending");
    }
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    RootLogLevel.launch(level);
  }

  private static void createOwnerOnly(Path file) {
    try {
      Files.createFile(file, OwnerOnly.fileAttribute());
    } catch (FileAlreadyExistsException e) {
      // appended to as it is
    } catch (IOException e) {
      throw new ConfigException("log_file \"" + file + "\" cannot be created: " + e.getMessage(), e);
    }
  }

  private static Encoder<ILoggingEvent> text(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(TEXT_PATTERN);
    return encoder;
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    // The rendered message is enough: the raw template and its arguments would say the same twice, and
    // the sequence number, nanoseconds and logger-context block are noise for an operator.
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithFormattedMessage(true);
    encoder.setWithArguments(false);
    encoder.setWithMDC(false);
    encoder.setWithMarkers(false);
    return encoder;
  }

  static LoggerContext context() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      return context;
    }
    throw new IllegalStateException("slf4j is not bound to logback; the daemon cannot set up its logging");
  }
}
