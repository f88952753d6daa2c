package dev.signet.proto.transport;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** gRPC over Unix domain sockets (Netty epoll), the transport of the Workload API and the admin APIs. */
public final class UnixSockets {
  private UnixSockets() {}

  /** An event loop group for Unix-socket servers or channels; the caller shuts it down. */
  public static EventLoopGroup newEventLoopGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
  }

  /**
   * A server builder bound to {@code socket} whose calls carry the caller's {@link PeerCredentials}.
   * A stale socket file left by a previous run is removed first; the parent directory must exist.
   */
  public static NettyServerBuilder serverBuilder(Path socket, EventLoopGroup boss, EventLoopGroup workers) {
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove stale socket " + socket, e);
    }
    return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .protocolNegotiator(new PeerCredentialsNegotiator())
        .intercept(new PeerCredentialsInterceptor());
  }

  /** A plaintext channel to a gRPC server on a Unix socket. */
  public static ManagedChannel channel(Path socket, EventLoopGroup group) {
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(group)
        .usePlaintext()
        .build();
  }
}
