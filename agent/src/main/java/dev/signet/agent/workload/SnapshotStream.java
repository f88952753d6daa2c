package dev.signet.agent.workload;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;

/**
 * Feeds one server stream from the {@link WorkloadIdentityCache}: the first response at once, then a new
 * one whenever a snapshot changes what this caller would receive (an unchanged response is not resent).
 * When the caller loses its last identity the stream ends with the status the composer throws
 * (PERMISSION_DENIED "no identity issued"), as SPIRE does. Cancellation by the client unsubscribes.
 *
 * @param <R> the response message type
 */
public final class SnapshotStream<R> {
  /**
   * Builds the caller's response from a snapshot, or throws the status that ends the stream; null means
   * "nothing to send for this snapshot" (the stream waits for the next one).
   */
  @FunctionalInterface
  public interface Composer<R> {
    R compose(IdentitySnapshot snapshot) throws StatusException;
  }

  private final ServerCallStreamObserver<R> observer;
  private final Composer<R> composer;
  private final Runnable onFinish;
  private R last;
  private boolean done;
  private WorkloadIdentityCache.Subscription subscription;

  private SnapshotStream(ServerCallStreamObserver<R> observer, Composer<R> composer, Runnable onFinish) {
    this.observer = observer;
    this.composer = composer;
    this.onFinish = onFinish;
  }

  /** Starts streaming; returns once the first response (or the error) has been handed to gRPC. */
  public static <R> void start(WorkloadIdentityCache cache, ServerCallStreamObserver<R> observer, Composer<R> composer) {
    start(cache, observer, composer, () -> { });
  }

  /** As {@link #start(WorkloadIdentityCache, ServerCallStreamObserver, Composer)}; {@code onFinish} runs once when the stream ends. */
  public static <R> void start(WorkloadIdentityCache cache, ServerCallStreamObserver<R> observer, Composer<R> composer,
      Runnable onFinish) {
    SnapshotStream<R> stream = new SnapshotStream<>(observer, composer, onFinish);
    observer.setOnCancelHandler(stream::finish);
    WorkloadIdentityCache.Subscription subscription = cache.subscribe(stream::onSnapshot);
    stream.attach(subscription);
  }

  private synchronized void attach(WorkloadIdentityCache.Subscription subscription) {
    this.subscription = subscription;
    if (done) {
      subscription.close();
    }
  }

  private synchronized void onSnapshot(IdentitySnapshot snapshot) {
    if (done) {
      return;
    }
    R next;
    try {
      next = composer.compose(snapshot);
    } catch (StatusException e) {
      finish();
      observer.onError(e);
      return;
    } catch (RuntimeException e) {
      finish();
      observer.onError(Status.INTERNAL.withDescription("cannot compose response: " + e).withCause(e).asException());
      throw e;
    }
    if (next != null && !next.equals(last)) {
      last = next;
      observer.onNext(next);
    }
  }

  private synchronized void finish() {
    if (!done) {
      done = true;
      onFinish.run();
    }
    if (subscription != null) {
      subscription.close();
    }
  }

}
