package dev.signet.common.telemetry;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SPIRE's {@code rpc.<service>.<method>} call counter on every call a gRPC server answers: counted and timed when
 * the call closes, labelled with the status it closed with (a call the client cancels or that ends with its stream is {@code Canceled}).
 */
public final class RpcMetricsInterceptor implements ServerInterceptor {
  private final Metrics metrics;
  private final Map<String, String> keys = new ConcurrentHashMap<>();

  public RpcMetricsInterceptor(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String key = keys.computeIfAbsent(call.getMethodDescriptor().getFullMethodName(), MetricNames::rpcKey);
    long start = System.nanoTime();
    AtomicBoolean recorded = new AtomicBoolean();
    ServerCall.Listener<Q> listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        if (recorded.compareAndSet(false, true)) {
          metrics.call(key, status.getCode(), System.nanoTime() - start);
        }
        super.close(status, trailers);
      }
    }, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        if (recorded.compareAndSet(false, true)) {
          metrics.call(key, Status.Code.CANCELLED, System.nanoTime() - start);
        }
        super.onCancel();
      }
    };
  }
}
