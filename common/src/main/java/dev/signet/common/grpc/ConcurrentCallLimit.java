package dev.signet.common.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps the calls one caller may have in progress at once on a gRPC listener; a call beyond the cap is
 * closed at once with RESOURCE_EXHAUSTED, before its handler runs or its request message is read.
 *
 * <p>Security: a local socket open to every user (the Workload API) or a TCP port open to every agent
 * lets one caller open calls and streams until the process runs out of memory, failing everyone else's
 * calls with it. Each in-progress call holds at most one request message (bounded by the listener's
 * {@code maxInboundMessageSize}) and a stream's state, so this cap times that size bounds what one caller
 * can pin. A call counts from the moment it starts until it completes or is cancelled, so a stream counts
 * for as long as it is open. Who "one caller" is, and its cap, is decided per listener by a {@link Quotas}
 * (per uid on the Workload API, per SPIFFE ID on the server's TCP port).
 *
 * <p>The counters live only while a caller has calls in progress, so the map is bounded by the number of
 * callers active at once.
 */
public final class ConcurrentCallLimit implements ServerInterceptor {
  /** Decides whom a call counts against. */
  @FunctionalInterface
  public interface Quotas {
    /** The caller this call counts against and its cap, or null when the call is not limited. */
    Quota of(ServerCall<?, ?> call, Metadata headers);
  }

  /**
   * One caller's budget.
   *
   * @param caller how the caller is named in the refusal ("uid 65534"); also the counter's key
   * @param limit how many calls it may have in progress at once, at least 1
   */
  public record Quota(String caller, int limit) {
    public Quota {
      Objects.requireNonNull(caller, "caller");
      if (limit < 1) {
        throw new IllegalArgumentException("concurrent call limit " + limit + " for " + caller + " is below 1");
      }
    }
  }

  private final Quotas quotas;
  private final Map<String, Integer> inProgress = new ConcurrentHashMap<>();

  public ConcurrentCallLimit(Quotas quotas) {
    this.quotas = Objects.requireNonNull(quotas, "quotas");
  }

  /** The calls {@code caller} has in progress now (for tests and diagnostics). */
  public int inProgress(String caller) {
    return inProgress.getOrDefault(caller, 0);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Quota quota = quotas.of(call, headers);
    if (quota == null) {
      return next.startCall(call, headers);
    }
    if (!tryAcquire(quota)) {
      call.close(Status.RESOURCE_EXHAUSTED.withDescription(quota.caller() + " already has " + quota.limit()
          + " calls in progress, the most one caller may have at once"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Release release = new Release(quota.caller());
    ServerCall<Q, R> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        try {
          super.close(status, trailers);
        } finally {
          release.run();
        }
      }
    };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(counted, headers);
    } catch (RuntimeException | Error e) {
      release.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          release.run();
        }
      }

      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          release.run();
        }
      }
    };
  }

  private boolean tryAcquire(Quota quota) {
    boolean[] acquired = {false};
    inProgress.compute(quota.caller(), (caller, count) -> {
      int now = count == null ? 0 : count;
      if (now >= quota.limit()) {
        return count;
      }
      acquired[0] = true;
      return now + 1;
    });
    return acquired[0];
  }

  /** Gives one call's slot back exactly once, whichever of close, cancel or complete comes first. */
  private final class Release implements Runnable {
    private final String caller;
    private final AtomicBoolean done = new AtomicBoolean();

    Release(String caller) {
      this.caller = caller;
    }

    @Override
    public void run() {
      if (done.compareAndSet(false, true)) {
        inProgress.computeIfPresent(caller, (key, count) -> count <= 1 ? null : count - 1);
      }
    }
  }
}
