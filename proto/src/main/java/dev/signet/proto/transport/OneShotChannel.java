package dev.signet.proto.transport;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import java.nio.file.Path;

/**
 * A gRPC channel for a short-lived process such as an admin CLI call: each unary call opens its own connection to
 * the Unix socket, sends its request, reads the whole response and closes the connection, on the calling thread
 * ({@link OneShotUnaryCall}). No event loop, no transport threads, no channel state to shut down: starting
 * grpc-java's Netty channel and its event loop took about a quarter of an admin call (issue 16). Long-lived
 * clients (the OIDC discovery provider, the controller) keep {@link UnixSockets#channel}.
 */
public final class OneShotChannel extends Channel {
  /** The authority sent with each call, as Go's and Java's gRPC send it for a Unix socket. */
  static final String AUTHORITY = "localhost";

  private final Path socket;

  public OneShotChannel(Path socket) {
    this.socket = socket;
  }

  /** A call of a unary method; this channel carries no streams. */
  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(MethodDescriptor<ReqT, RespT> method, CallOptions options) {
    if (method.getType() != MethodDescriptor.MethodType.UNARY) {
      throw new UnsupportedOperationException(method.getFullMethodName() + " is not unary; "
          + "a one-shot channel carries unary calls only");
    }
    return new OneShotUnaryCall<>(socket, method, options);
  }

  @Override
  public String authority() {
    return AUTHORITY;
  }
}
