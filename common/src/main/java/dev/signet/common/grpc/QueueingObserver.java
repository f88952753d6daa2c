package dev.signet.common.grpc;

import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;

/**
 * Puts every event of a gRPC stream, in order, on one queue for a thread that waits on it: each message as
 * it is, a failure as its {@link Throwable}, and completion as the marker the owner chose (an object the
 * messages cannot be, or a status that says what an early end means).
 *
 * @param <T> the message type
 */
public final class QueueingObserver<T> implements StreamObserver<T> {
  private final BlockingQueue<Object> events;
  private final Object completed;

  /**
   * @param events where the events go
   * @param completed what is queued when the stream completes
   */
  public QueueingObserver(BlockingQueue<Object> events, Object completed) {
    this.events = Objects.requireNonNull(events, "events");
    this.completed = Objects.requireNonNull(completed, "completed");
  }

  @Override
  public void onNext(T value) {
    events.add(value);
  }

  @Override
  public void onError(Throwable t) {
    events.add(t);
  }

  @Override
  public void onCompleted() {
    events.add(completed);
  }
}
