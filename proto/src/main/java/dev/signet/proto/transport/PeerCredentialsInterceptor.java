package dev.signet.proto.transport;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Copies the connection's {@link PeerCredentials} into each call's {@link Context}. */
public final class PeerCredentialsInterceptor implements ServerInterceptor {
  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    PeerCredentials credentials = call.getAttributes().get(PeerCredentials.TRANSPORT_ATTR);
    if (credentials == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(PeerCredentials.CONTEXT_KEY, credentials), call, headers, next);
  }
}
