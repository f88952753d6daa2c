package dev.signet.common.workload;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the Workload API's {@code FetchX509SVID} stream and keeps the newest {@link X509Context}. Every
 * update is handed to the listeners (the gateway rebuilds its TLS contexts from it: new handshakes use the
 * new SVID and bundles, open connections keep theirs; a downstream server's {@code UpstreamAuthority "spire"}
 * presents it to the upstream server and re-reads the upstream bundle). When the stream ends or fails (agent restart), it is
 * opened again after a growing pause (up to {@link #MAX_RETRY}) and the last good context stays in force. A
 * response that cannot be used is logged and ignored, never half applied.
 *
 * <p>PERMISSION_DENIED is different: the agent says this process has no identity any more (its entry was
 * deleted, or the node's agent was banned). The context is withdrawn at once and the withdrawal listeners told,
 * so that no new handshake is made with an SVID the agent has taken back; the stream is still reopened, and an
 * identity issued again is used again.
 */
public final class X509Source implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(X509Source.class);
  static final Duration FIRST_RETRY = Duration.ofMillis(200);
  static final Duration MAX_RETRY = Duration.ofSeconds(10);

  private final WorkloadApiClient client;
  private final Optional<SpiffeId> wanted;
  private final AtomicReference<X509Context> current = new AtomicReference<>();
  private final List<Consumer<X509Context>> listeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> withdrawalListeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch first = new CountDownLatch(1);
  private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "signet-x509-source");
    thread.setDaemon(true);
    return thread;
  });
  private volatile Duration nextRetry = FIRST_RETRY;
  private volatile boolean closed;

  /** Follows the stream of {@code client}, choosing the SVID of {@code wanted} (the first one when empty). */
  public X509Source(WorkloadApiClient client, Optional<SpiffeId> wanted) {
    this.client = client;
    this.wanted = wanted;
  }

  /** Calls {@code listener} with every new context (and at once with the current one, if any). */
  public void addListener(Consumer<X509Context> listener) {
    listeners.add(listener);
    X509Context now = current.get();
    if (now != null) {
      listener.accept(now);
    }
  }

  /** Calls {@code listener} whenever the agent withdraws this process's identity (PERMISSION_DENIED). */
  public void addWithdrawalListener(Runnable listener) {
    withdrawalListeners.add(listener);
  }

  /** Opens the stream. */
  public void start() {
    subscribe();
  }

  /** The newest context; empty until the first usable response. */
  public Optional<X509Context> current() {
    return Optional.ofNullable(current.get());
  }

  /** Waits for the first usable response. */
  public X509Context awaitFirst(Duration timeout) throws TimeoutException, InterruptedException {
    if (!first.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("no x509-svid from the workload api within " + timeout);
    }
    return current.get();
  }

  private void subscribe() {
    if (closed) {
      return;
    }
    client.watching().fetchX509SVID(X509SVIDRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(X509SVIDResponse response) {
        accept(response);
      }

      @Override
      public void onError(Throwable t) {
        if (Status.fromThrowable(t).getCode() == Status.Code.PERMISSION_DENIED) {
          withdraw(t.getMessage());
        }
        retry("failed: " + t.getMessage());
      }

      @Override
      public void onCompleted() {
        retry("ended");
      }
    });
  }

  private void accept(X509SVIDResponse response) {
    X509Context context;
    try {
      context = X509Responses.parse(response, wanted);
    } catch (IllegalArgumentException e) {
      LOG.error("workload api update ignored, the previous x509-svid stays in force: {}", e.getMessage());
      return;
    }
    nextRetry = FIRST_RETRY;
    current.set(context);
    LOG.info("x509-svid {} received (valid until {}), {} trust bundles", context.id(),
        context.svid().chain().getFirst().getNotAfter().toInstant(), context.bundles().size());
    for (Consumer<X509Context> listener : listeners) {
      listener.accept(context);
    }
    first.countDown();
  }

  private void withdraw(String why) {
    X509Context withdrawn = current.getAndSet(null);
    if (withdrawn != null) {
      LOG.warn("x509-svid {} withdrawn by the workload api ({}): no new connections until one is issued again",
          withdrawn.id(), why);
    }
    withdrawalListeners.forEach(Runnable::run);
  }

  private void retry(String why) {
    if (closed) {
      return;
    }
    Duration pause = nextRetry;
    nextRetry = pause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : pause.multipliedBy(2);
    LOG.warn("workload api x509-svid stream {}; reopening in {} ms", why, pause.toMillis());
    retries.schedule(this::subscribe, pause.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    closed = true;
    retries.shutdownNow();
    client.close();
  }
}
