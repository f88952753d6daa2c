package dev.signet.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Every Signet process's logging before its config is read, and a CLI's for good: text lines on stderr at INFO,
 * gRPC and Netty at WARN. Set in code, found by logback's {@code ServiceLoader}, instead of a {@code logback.xml}:
 * reading XML made logback load about 500 classes (its XML parser, Joran's model and actions), which took ~300 ms
 * of each admin CLI call and of each daemon start (issue 16).
 *
 * <p>logback calls the configurators it finds as services before it looks for a file, so this one steps aside when
 * there is a file to find: an operator's {@code -Dlogback.configurationFile=/etc/signet/logback.xml} in {@code
 * SIGNET_JAVA_OPTS}, or a {@code logback-test.xml} or {@code logback.xml} on the class path (the modules' tests).
 * logback then reads that file as before. A daemon afterwards replaces only the root's appender and level from
 * {@code log_level}, {@code log_format} and {@code log_file} ({@link DaemonLogging}).
 */
@ConfiguratorRank(ConfiguratorRank.NOMINAL)
public final class DefaultLogging extends ContextAwareBase implements Configurator {
  /** The files logback's own lookup reads, in its order, after the {@code logback.configurationFile} property. */
  private static final List<String> CLASS_PATH_FILES = List.of("logback-test.xml", "logback.xml");
  private static final String APPENDER_NAME = "STDERR";
  /** Loggers of libraries that are chatty at INFO, at the level they log at instead. */
  static final Map<String, Level> LIBRARY_LEVELS = Map.of(
      "io.grpc", Level.WARN,
      "io.netty", Level.WARN,
      // a bind or connect that fails is reported by Signet's own message; Netty's repeats it with a stack trace
      "io.netty.bootstrap", Level.ERROR,
      // Flyway's notice, at every start, about the version of the database it migrates
      "org.flywaydb.core.internal.database.base.Database", Level.ERROR);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (aFileIsThere()) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(DaemonLogging.TEXT_PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName(APPENDER_NAME);
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static boolean aFileIsThere() {
    if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null) {
      return true;
    }
    ClassLoader loader = DefaultLogging.class.getClassLoader();
    return CLASS_PATH_FILES.stream().anyMatch(name -> loader.getResource(name) != null);
  }
}
