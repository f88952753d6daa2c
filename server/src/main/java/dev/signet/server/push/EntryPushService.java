package dev.signet.server.push;

import dev.signet.proto.signet.agent.push.v1.EntryPushGrpc;
import dev.signet.proto.signet.agent.push.v1.WatchEvent;
import dev.signet.proto.signet.agent.push.v1.WatchRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signet's push extension: every connected agent holds a Watch stream and receives a tiny "something
 * changed" event after each entry or bundle change; it then re-syncs with the standard SPIRE RPCs. The
 * event carries no data, so it reveals nothing an agent could not already fetch, and a lost event costs
 * at most one {@code sync_interval}.
 */
public final class EntryPushService extends EntryPushGrpc.EntryPushImplBase {
  private final Set<ServerCallStreamObserver<WatchEvent>> watchers = ConcurrentHashMap.newKeySet();
  private final AtomicLong revision = new AtomicLong();

  @Override
  public void watch(WatchRequest request, StreamObserver<WatchEvent> observer) {
    ServerCallStreamObserver<WatchEvent> stream = (ServerCallStreamObserver<WatchEvent>) observer;
    stream.setOnCancelHandler(() -> watchers.remove(stream));
    // The first event tells a (re)connecting agent to sync at once: it may have missed changes.
    stream.onNext(WatchEvent.newBuilder().setRevision(revision.get()).setEntriesChanged(true).setBundleChanged(true)
        .build());
    watchers.add(stream);
  }

  /** Tells every watcher that entries changed. */
  public void entriesChanged() {
    publish(WatchEvent.newBuilder().setEntriesChanged(true));
  }

  /** Tells every watcher that a bundle changed. */
  public void bundleChanged() {
    publish(WatchEvent.newBuilder().setBundleChanged(true));
  }

  /** The number of connected agents (a gauge for metrics and tests). */
  public int watcherCount() {
    return watchers.size();
  }

  /** Ends every stream (server shutdown); agents reconnect to the next server. */
  public void closeAll() {
    watchers.forEach(w -> {
      synchronized (w) {
        w.onCompleted();
      }
    });
    watchers.clear();
  }

  private void publish(WatchEvent.Builder event) {
    WatchEvent built = event.setRevision(revision.incrementAndGet()).build();
    for (ServerCallStreamObserver<WatchEvent> watcher : watchers) {
      synchronized (watcher) { // StreamObserver is not thread-safe
        if (watcher.isCancelled()) {
          watchers.remove(watcher);
        } else if (watcher.isReady()) {
          watcher.onNext(built); // a watcher that is not ready is slow: it will catch up by polling
        }
      }
    }
  }
}
