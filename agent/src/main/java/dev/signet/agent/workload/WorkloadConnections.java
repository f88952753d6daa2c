package dev.signet.agent.workload;

import dev.signet.common.telemetry.Metrics;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SPIRE's {@code workload_api_connection} counter (every Workload API call, streams included) and
 * {@code workload_api_connections} gauge (calls in progress: mostly the workloads' open streams).
 */
final class WorkloadConnections implements ServerInterceptor {
  private final Metrics metrics;
  private final AtomicInteger open = new AtomicInteger();

  WorkloadConnections(Metrics metrics) {
    this.metrics = metrics;
    metrics.gauge("workload_api_connections", open::get);
    metrics.declare("workload_api_connection");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    metrics.increment("workload_api_connection");
    open.incrementAndGet();
    AtomicBoolean ended = new AtomicBoolean();
    Runnable end = () -> {
      if (ended.compareAndSet(false, true)) {
        open.decrementAndGet();
      }
    };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void close(Status status, Metadata trailers) {
          end.run();
          super.close(status, trailers);
        }
      }, headers);
    } catch (RuntimeException e) {
      end.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        end.run();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        end.run();
        super.onComplete();
      }
    };
  }
}
