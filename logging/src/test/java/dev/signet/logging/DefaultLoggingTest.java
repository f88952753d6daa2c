package dev.signet.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** logback's own start-up, on contexts of the test's making, finding (or not) {@link DefaultLogging}. */
class DefaultLoggingTest {
  @TempDir Path temp;

  @Test
  @SuppressWarnings("unchecked")
  void withoutAConfigurationFileLogbackUsesTheDefaultsSetInCode() throws Exception {
    LoggerContext context = autoConfigured();

    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("io.grpc").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.netty.bootstrap").getLevel()).isEqualTo(Level.ERROR);
    assertThat(context.getLogger("io.grpc.netty.NettyServerHandler").getEffectiveLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("dev.signet.server").getEffectiveLevel()).isEqualTo(Level.INFO);

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
    assertThat(stderr.isStarted()).isTrue();
    assertThat(stderr.getTarget()).isEqualTo("System.err");
    LoggingEvent event = new LoggingEvent(DefaultLoggingTest.class.getName(),
        context.getLogger("dev.signet.server.Example"), Level.INFO, "served {}", null, new Object[] {3});
    String line = new String(stderr.getEncoder().encode(event), StandardCharsets.UTF_8);
    assertThat(line).matches(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[[^]]+] Example: served 3\\R");
  }

  @Test
  void aConfigurationFileNamedByTheOperatorWinsOverTheDefaults() throws Exception {
    Path file = temp.resolve("logback.xml");
    Files.writeString(file, """
        <configuration>
          <appender name="OPERATOR" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>operator %msg%n</pattern></encoder>
          </appender>
          <root level="DEBUG"><appender-ref ref="OPERATOR"/></root>
        </configuration>
        """);
    System.setProperty(ContextInitializer.CONFIG_FILE_PROPERTY, file.toString());
    LoggerContext context;
    try {
      context = autoConfigured();
    } finally {
      System.clearProperty(ContextInitializer.CONFIG_FILE_PROPERTY);
    }

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
    assertThat(root.getAppender("OPERATOR")).isNotNull();
    assertThat(root.getAppender("STDERR")).isNull();
    assertThat(context.getLogger("io.grpc").getLevel()).as("no library level set behind the operator's back")
        .isNull();
  }

  private static LoggerContext autoConfigured() throws Exception {
    LoggerContext context = new LoggerContext();
    new ContextInitializer(context).autoConfig(DefaultLoggingTest.class.getClassLoader());
    return context;
  }

}
