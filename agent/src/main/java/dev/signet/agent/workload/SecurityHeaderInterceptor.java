package dev.signet.agent.workload;

import dev.signet.proto.transport.PeerCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses Workload API calls without the header {@code workload.spiffe.io: true}.
 *
 * <p>Security: the header proves the request was made deliberately by a Workload API client, not
 * forwarded by a confused deputy (an HTTP proxy pointed at the socket cannot add it). Exactly one value,
 * {@code true}, is accepted, as SPIRE does; anything else is INVALID_ARGUMENT, with one line naming the method and
 * the caller's pid, uid and gid (logged under {@link WorkloadApiService}, with the Workload API's other refusals).
 */
public final class SecurityHeaderInterceptor implements ServerInterceptor {
  /** The header every Workload API request must carry. */
  public static final Metadata.Key<String> HEADER = Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);
  private static final Logger REFUSALS = LoggerFactory.getLogger(WorkloadApiService.class);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Iterable<String> values = headers.getAll(HEADER);
    int count = 0;
    boolean valid = true;
    if (values != null) {
      for (String value : values) {
        count++;
        valid &= "true".equals(value);
      }
    }
    if (count != 1 || !valid) {
      Status refused = CallerFailureLog.logged(REFUSALS,
          Status.INVALID_ARGUMENT.withDescription("security header missing from request").asException(),
          call.getMethodDescriptor().getBareMethodName(), call.getAttributes().get(PeerCredentials.TRANSPORT_ATTR),
          null).getStatus();
      call.close(refused, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
