package dev.signet.benchmarks;

import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The load drivers' Workload API client (any agent: SPIRE's or Signet's) over a Unix socket, as the calling
 * process's uid: polls for the first X509-SVID an agent serves, and watches a FetchX509SVID stream, noting when
 * each SPIFFE ID first arrives.
 */
public final class WorkloadClient implements AutoCloseable {
  private static final Metadata.Key<String> HEADER = Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

  private final Path socket;
  private final EventLoopGroup group = UnixSockets.newEventLoopGroup(1);
  private final Map<String, Long> firstSeenNanos = new ConcurrentHashMap<>();
  private volatile ManagedChannel watchChannel;
  private volatile boolean closed;

  public WorkloadClient(Path socket) {
    this.socket = socket;
  }

  /**
   * Polls FetchX509SVID every 5 ms (a fresh connection each time, so no reconnect back-off delays the answer)
   * until the first response names {@code spiffeId} (any SVID when null); returns System.nanoTime() of that
   * answer. {@code alive} is checked between polls and ends the wait when false.
   */
  public long awaitFirstSvid(String spiffeId, Duration timeout, BooleanSupplier alive) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!alive.getAsBoolean()) {
        throw new IllegalStateException("the agent exited before serving an SVID on " + socket);
      }
      if (Files.exists(socket)) {
        Optional<List<String>> ids = fetchOnce();
        if (ids.isPresent() && (spiffeId == null ? !ids.get().isEmpty() : ids.get().contains(spiffeId))) {
          return System.nanoTime();
        }
      }
      LockSupport.parkNanos(5_000_000);
    }
    throw new IllegalStateException("no X509-SVID " + (spiffeId == null ? "" : spiffeId + " ") + "on " + socket
        + " within " + timeout);
  }

  /** One FetchX509SVID first response on a new connection: the SPIFFE IDs, or empty while it fails. */
  public Optional<List<String>> fetchOnce() {
    ManagedChannel channel = UnixSockets.channel(socket, group);
    try {
      X509SVIDResponse first = SpiffeWorkloadAPIGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers()))
          .withDeadlineAfter(2, TimeUnit.SECONDS).fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next();
      return Optional.of(first.getSvidsList().stream().map(X509SVID::getSpiffeId).toList());
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * One FetchX509SVID first response on a new connection: a fingerprint of the leaf certificate served for
   * {@code spiffeId} (its DER's hash), or empty while the call fails or names no such SVID. A new fingerprint
   * is a rotation.
   */
  public Optional<Integer> leafFingerprint(String spiffeId) {
    ManagedChannel channel = UnixSockets.channel(socket, group);
    try {
      X509SVIDResponse first = SpiffeWorkloadAPIGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers()))
          .withDeadlineAfter(2, TimeUnit.SECONDS).fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next();
      return first.getSvidsList().stream().filter(svid -> svid.getSpiffeId().equals(spiffeId))
          .map(svid -> svid.getX509Svid().hashCode()).findFirst();
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    } finally {
      channel.shutdownNow();
    }
  }

  /** Opens one long-lived FetchX509SVID stream that records when each SPIFFE ID first arrives. */
  public void watch() {
    watchChannel = UnixSockets.channel(socket, group);
    SpiffeWorkloadAPIGrpc.newStub(watchChannel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers()))
        .fetchX509SVID(X509SVIDRequest.getDefaultInstance(), new StreamObserver<>() {
          @Override
          public void onNext(X509SVIDResponse response) {
            long now = System.nanoTime();
            for (X509SVID svid : response.getSvidsList()) {
              firstSeenNanos.putIfAbsent(svid.getSpiffeId(), now);
            }
          }

          @Override
          public void onError(Throwable t) {
            if (!closed) {
              System.err.println("workload stream ended: " + t);
            }
          }

          @Override
          public void onCompleted() {}
        });
  }

  /** Waits until the watch stream has delivered {@code spiffeId}; returns when it first did (System.nanoTime()). */
  public long awaitWatched(String spiffeId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Long seen;
    while ((seen = firstSeenNanos.get(spiffeId)) == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(spiffeId + " did not reach the workload stream on " + socket + " within "
            + timeout);
      }
      LockSupport.parkNanos(200_000);
    }
    return seen;
  }

  private static Metadata headers() {
    Metadata headers = new Metadata();
    headers.put(HEADER, "true");
    return headers;
  }

  @Override
  public void close() {
    closed = true;
    if (watchChannel != null) {
      watchChannel.shutdownNow();
    }
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }
}
