package dev.signet.server.api.logger;

import dev.signet.logging.RootLogLevel;
import dev.signet.proto.spire.api.server.logger.v1.GetLoggerRequest;
import dev.signet.proto.spire.api.server.logger.v1.LoggerGrpc;
import dev.signet.proto.spire.api.server.logger.v1.ResetLogLevelRequest;
import dev.signet.proto.spire.api.server.logger.v1.SetLogLevelRequest;
import dev.signet.proto.spire.api.types.LogLevel;
import dev.signet.proto.spire.api.types.Logger;
import dev.signet.server.api.Unary;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** SPIRE's server Logger API: read, change and reset the root log level at run time. */
public final class LoggerService extends LoggerGrpc.LoggerImplBase {
  @Override
  public void getLogger(GetLoggerRequest request, StreamObserver<Logger> out) {
    reply(out);
  }

  @Override
  public void setLogLevel(SetLogLevelRequest request, StreamObserver<Logger> out) {
    if (request.getNewLevel() == LogLevel.UNSPECIFIED || request.getNewLevel() == LogLevel.UNRECOGNIZED) {
      throw Status.INVALID_ARGUMENT.withDescription("newLevel value cannot be LogLevel_UNSPECIFIED")
          .asRuntimeException();
    }
    RootLogLevel.set(request.getNewLevel());
    reply(out);
  }

  @Override
  public void resetLogLevel(ResetLogLevelRequest request, StreamObserver<Logger> out) {
    RootLogLevel.reset();
    reply(out);
  }

  private static void reply(StreamObserver<Logger> out) {
    Unary.reply(out, Logger.newBuilder().setCurrentLevel(RootLogLevel.current()).setLaunchLevel(RootLogLevel.launchLevel())
        .build());
  }
}
