package dev.signet.common.workload;

import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A Workload API client on a Unix socket, sending the {@code workload.spiffe.io: true} header on every call
 * (the agent CLI's {@code api} commands and the gateway's X509 source). Works with any agent that speaks
 * the SPIFFE Workload API, SPIRE's included.
 */
public final class WorkloadApiClient implements AutoCloseable {
  private static final Metadata.Key<String> HEADER = Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final Duration timeout;

  public WorkloadApiClient(Path socket, Duration timeout) {
    this.group = UnixSockets.newEventLoopGroup(1);
    this.channel = UnixSockets.channel(socket, group);
    this.timeout = timeout;
  }

  /** The Workload API with the call deadline this client was made with. */
  public SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIBlockingStub workload() {
    return streaming().withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The Workload API without a deadline, for streams a command follows until it is stopped. */
  public SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIBlockingStub streaming() {
    return SpiffeWorkloadAPIGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header()));
  }

  /** The asynchronous Workload API without a deadline, for streams followed by a callback. */
  public SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIStub watching() {
    return SpiffeWorkloadAPIGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header()));
  }

  /** The channel itself, for the other services on the socket (health). */
  public ManagedChannel channel() {
    return channel;
  }

  public Duration timeout() {
    return timeout;
  }

  private static Metadata header() {
    Metadata header = new Metadata();
    header.put(HEADER, "true");
    return header;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }
}
