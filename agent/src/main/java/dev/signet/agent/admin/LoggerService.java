package dev.signet.agent.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.signet.logging.RootLogLevel;
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
 * <p>Levels map as {@link RootLogLevel} maps them (PANIC and FATAL set ERROR, which the logger then
 * reports, the level actually in force).
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
    if (request.getNewLevel() == LogLevel.UNSPECIFIED || request.getNewLevel() == LogLevel.UNRECOGNIZED) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("newLevel value cannot be "
          + request.getNewLevel()).asException());
      return;
    }
    root.setLevel(RootLogLevel.toLogback(request.getNewLevel()));
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
        .setCurrentLevel(RootLogLevel.toProto(root.getEffectiveLevel()))
        .setLaunchLevel(RootLogLevel.toProto(launchLevel))
        .build());
    observer.onCompleted();
  }
}
