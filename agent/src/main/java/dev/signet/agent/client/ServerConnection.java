package dev.signet.agent.client;

import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.common.lifecycle.Lifecycle;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One TLS connection to the server: without a client certificate for attestation, with the agent SVID
 * (mTLS) for everything after. A renewed agent SVID needs a new connection, because a TLS connection
 * keeps the certificate it was opened with.
 */
public final class ServerConnection implements AutoCloseable {
  private final ManagedChannel channel;

  private ServerConnection(ManagedChannel channel) {
    this.channel = channel;
  }

  /**
   * Opens a lazy channel to {@code host:port}.
   *
   * @param clientKeys the agent SVID to present, or null before attestation
   */
  public static ServerConnection open(String host, int port, SpiffeServerTrustManager trust, SvidKeyManager clientKeys) {
    SslContextBuilder tls = SslContextBuilder.forClient().trustManager(trust);
    if (clientKeys != null) {
      tls.keyManager(clientKeys);
    }
    SslContext context;
    try {
      context = GrpcSslContexts.configure(tls, SslProvider.JDK).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context for the server connection", e);
    }
    ManagedChannel channel = NettyChannelBuilder.forAddress(host, port)
        .sslContext(context)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
    return new ServerConnection(channel);
  }

  /**
   * Wraps a channel opened elsewhere (an in-process or loopback server in tests, a channel with its own
   * transport security); closing the connection shuts the channel down.
   */
  public static ServerConnection of(ManagedChannel channel) {
    return new ServerConnection(java.util.Objects.requireNonNull(channel, "channel"));
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** Cancels the calls in progress and awaits the channel's end (bounded, see {@link Lifecycle}). */
  @Override
  public void close() {
    try (Lifecycle lifecycle = new Lifecycle("server connection")) {
      lifecycle.pushChannel("channel", channel);
    }
  }
}
