package dev.signet.common.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Captures what a logger (and its children) logs while open: attach with {@link #of}, read {@link #events},
 * close to detach. The whole rendered text of every line (message, fields, stack trace) is in {@link #text},
 * for assertions that something never appears.
 */
public final class CapturedLogs implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLogs(Logger logger) {
    this.logger = logger;
    appender.start();
    logger.addAppender(appender);
  }

  /** Captures the logger of {@code type}. */
  public static CapturedLogs of(Class<?> type) {
    return new CapturedLogs((Logger) LoggerFactory.getLogger(type));
  }

  /** Captures every logger (the root). */
  public static CapturedLogs all() {
    return new CapturedLogs((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
  }

  public List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  /** The events that carry field {@code key}. */
  public List<ILoggingEvent> withField(String key) {
    return events().stream().filter(e -> fields(e).containsKey(key)).toList();
  }

  /** The key/value pairs of {@code event}, in order. */
  public static Map<String, Object> fields(ILoggingEvent event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      pairs.forEach(p -> fields.put(p.key, p.value));
    }
    return fields;
  }

  /** Everything captured, rendered: message, fields, throwable messages and stack frames. */
  public String text() {
    StringBuilder text = new StringBuilder();
    for (ILoggingEvent event : events()) {
      text.append(event.getFormattedMessage()).append(' ').append(fields(event)).append('\n');
      for (var t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        text.append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
      }
    }
    return text.toString();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
