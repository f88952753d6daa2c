package dev.signet.agent.cli;

import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A Workload API client on a Unix socket, sending the {@code workload.spiffe.io: true} header on every call. */
final class WorkloadApiClient implements AutoCloseable {
  private static final Metadata.Key<String> HEADER = Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final Duration timeout;

  WorkloadApiClient(Path socket, Duration timeout) {
    this.group = UnixSockets.newEventLoopGroup(1);
    this.channel = UnixSockets.channel(socket, group);
    this.timeout = timeout;
  }

  SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIBlockingStub workload() {
    return streaming().withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The Workload API without a deadline, for streams a command follows until it is stopped. */
  SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIBlockingStub streaming() {
    Metadata header = new Metadata();
    header.put(HEADER, "true");
    return SpiffeWorkloadAPIGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header));
  }

  HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
