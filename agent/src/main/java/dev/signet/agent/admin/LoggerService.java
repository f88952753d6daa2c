package dev.signet.agent.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.signet.proto.spire.api.agent.logger.v1.GetLoggerRequest;
import dev.signet.proto.spire.api.agent.logger.v1.LoggerGrpc;
import dev.signet.proto.spire.api.agent.logger.v1.ResetLogLevelRequest;
import dev.signet.proto.spire.api.agent.logger.v1.SetLogLevelRequest;
import dev.signet.proto.spire.api.types.LogLevel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * {@code spire.api.agent.logger.v1.Logger}: reads and changes the level of logback's root logger at run
 * time; {@code ResetLogLevel} goes back to the configured {@code log_level} (the launch level).
 *
 * <p>Logback has no PANIC or FATAL: both set ERROR, the most severe level that still logs, and the
 * logger then reports ERROR, the level actually in force.
 */
public final class LoggerService extends LoggerGrpc.LoggerImplBase {
  private final Logger root;
  private final Level launchLevel;

  /** Serves {@code root} with {@code launchLevel} (the configured {@code log_level}, e.g. "INFO"). */
  public LoggerService(Logger root, String launchLevel) {
    this.root = Objects.requireNonNull(root, "root logger");
    this.launchLevel = Level.toLevel(launchLevel, Level.INFO);
  }

  /** The service over logback's root logger; fails when SLF4J is not bound to logback. */
  public static LoggerService forRootLogger(String launchLevel) {
    if (!(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)) {
      throw new IllegalStateException("slf4j is not bound to logback; the logger api cannot change log levels");
    }
    return new LoggerService(root, launchLevel);
  }

  @Override
  public void getLogger(GetLoggerRequest request, StreamObserver<dev.signet.proto.spire.api.types.Logger> observer) {
    reply(observer);
  }

  @Override
  public void setLogLevel(SetLogLevelRequest request,
      StreamObserver<dev.signet.proto.spire.api.types.Logger> observer) {
    Level level = switch (request.getNewLevel()) {
      case PANIC, FATAL, ERROR -> Level.ERROR;
      case WARN -> Level.WARN;
      case INFO -> Level.INFO;
      case DEBUG -> Level.DEBUG;
      case TRACE -> Level.TRACE;
      case UNSPECIFIED, UNRECOGNIZED -> null;
    };
    if (level == null) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("newLevel value cannot be "
          + request.getNewLevel()).asException());
      return;
    }
    root.setLevel(level);
    reply(observer);
  }

  @Override
  public void resetLogLevel(ResetLogLevelRequest request,
      StreamObserver<dev.signet.proto.spire.api.types.Logger> observer) {
    root.setLevel(launchLevel);
    reply(observer);
  }

  private void reply(StreamObserver<dev.signet.proto.spire.api.types.Logger> observer) {
    observer.onNext(dev.signet.proto.spire.api.types.Logger.newBuilder()
        .setCurrentLevel(toApi(root.getEffectiveLevel()))
        .setLaunchLevel(toApi(launchLevel))
        .build());
    observer.onCompleted();
  }

  static LogLevel toApi(Level level) {
    return switch (level.toInt()) {
      case Level.TRACE_INT, Level.ALL_INT -> LogLevel.TRACE;
      case Level.DEBUG_INT -> LogLevel.DEBUG;
      case Level.INFO_INT -> LogLevel.INFO;
      case Level.WARN_INT -> LogLevel.WARN;
      case Level.ERROR_INT -> LogLevel.ERROR;
      default -> LogLevel.PANIC; // OFF: nothing is logged, not even errors
    };
  }
}
