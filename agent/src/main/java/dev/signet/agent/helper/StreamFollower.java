package dev.signet.agent.helper;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one server-streaming Workload API call ({@code FetchX509SVID} or {@code FetchJWTBundles}): each message
 * is handed to {@code onUpdate} on the helper's single worker thread; when the stream ends or fails (agent
 * restart, no identity yet) it is opened again after a pause doubling from {@link #FIRST_RETRY} up to
 * {@link #MAX_RETRY}, and the files already written stay as they are.
 */
final class StreamFollower<T> {
  private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);
  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  static final Duration MAX_RETRY = Duration.ofSeconds(10);

  /** Opens the stream, delivering to {@code observer}. */
  interface Opener<T> {
    void open(StreamObserver<T> observer);
  }

  private final String name;
  private final Opener<T> opener;
  private final Consumer<T> onUpdate;
  private final ScheduledExecutorService worker;
  private volatile Duration nextRetry = FIRST_RETRY;
  private volatile boolean closed;

  StreamFollower(String name, Opener<T> opener, Consumer<T> onUpdate, ScheduledExecutorService worker) {
    this.name = name;
    this.opener = opener;
    this.onUpdate = onUpdate;
    this.worker = worker;
  }

  void start() {
    if (closed) {
      return;
    }
    opener.open(new StreamObserver<>() {
      @Override
      public void onNext(T message) {
        nextRetry = FIRST_RETRY;
        worker.execute(() -> onUpdate.accept(message));
      }

      @Override
      public void onError(Throwable t) {
        retry("failed: " + t.getMessage());
      }

      @Override
      public void onCompleted() {
        retry("ended");
      }
    });
  }

  private void retry(String why) {
    if (closed) {
      return;
    }
    Duration pause = nextRetry;
    Duration doubled = pause.multipliedBy(2);
    nextRetry = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
    LOG.warn("workload api {} stream {}; reopening in {} ms", name, why, pause.toMillis());
    try {
      worker.schedule(this::start, pause.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the helper is stopping
    }
  }

  void close() {
    closed = true;
  }
}
