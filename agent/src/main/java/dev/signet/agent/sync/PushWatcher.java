package dev.signet.agent.sync;

import dev.signet.common.process.FatalErrors;
import dev.signet.proto.signet.agent.push.v1.WatchEvent;
import dev.signet.proto.signet.agent.push.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on Signet's push extension ({@code signet.agent.push.v1.EntryPush/Watch}) and asks for a sync
 * on every change signal, so entries reach workloads in well under a second. A SPIRE server answers
 * UNIMPLEMENTED: the watcher then stops for good and the {@code sync_interval} poll carries on alone.
 * Other errors reconnect after a growing pause.
 */
public final class PushWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(PushWatcher.class);
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private final ServerApi api;
  private final Runnable syncNow;
  private final ScheduledExecutorService scheduler;
  private volatile boolean stopped;
  private volatile boolean supported = true;
  private long backoffMillis = 500;

  public PushWatcher(ServerApi api, Runnable syncNow, ScheduledExecutorService scheduler) {
    this.api = api;
    this.syncNow = syncNow;
    this.scheduler = scheduler;
  }

  /** Opens the stream. */
  public void start() {
    if (stopped || !supported) {
      return;
    }
    api.push().watch(WatchRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(WatchEvent event) {
        backoffMillis = 500;
        syncNow.run();
      }

      @Override
      public void onError(Throwable t) {
        Status status = Status.fromThrowable(t);
        if (status.getCode() == Status.Code.UNIMPLEMENTED) {
          supported = false;
          LOG.info("server has no push extension; relying on the sync interval");
          return;
        }
        reconnectLater(status.toString());
      }

      @Override
      public void onCompleted() {
        reconnectLater("stream closed by the server");
      }
    });
  }

  /** True until the server said it does not implement the extension. */
  public boolean supported() {
    return supported;
  }

  public void stop() {
    stopped = true;
  }

  private void reconnectLater(String why) {
    if (stopped) {
      return;
    }
    LOG.debug("push stream ended ({}); reconnecting in {} ms", why, backoffMillis);
    scheduler.schedule(FatalErrors.PROCESS.guard("push stream reconnection", () -> {
      syncNow.run(); // changes made while disconnected
      start();
    }), backoffMillis, TimeUnit.MILLISECONDS);
    backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
  }
}
