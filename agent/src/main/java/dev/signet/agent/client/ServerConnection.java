package dev.signet.agent.client;

import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.common.lifecycle.Lifecycle;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * One TLS channel to the server: without a client certificate for attestation, with the agent SVID
 * (mTLS) for everything after. {@code server_address} may be a DNS name with one address per server (high
 * availability): the channel connects to each and spreads calls over those that answer, as SPIRE's agent does. A renewed agent SVID needs a new connection, because a TLS connection
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
    // What GrpcSslContexts.configure(tls, JDK) sets, without its probe for ALPN support: that probe initialises a
    // default SSLContext, which parses the JDK's 140-odd CA certificates the agent never uses (~50 ms of a restart)
    tls.sslProvider(SslProvider.JDK)
        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2));
    SslContext context;
    try {
      context = tls.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context for the server connection", e);
    }
    // As spire-agent dials "dns:///server_address:port" with round_robin: every address behind the name is
    // connected and calls are spread over the servers that answer, so a server that dies is skipped at once.
    ManagedChannel channel = NettyChannelBuilder.forTarget(target(host, port))
        .defaultLoadBalancingPolicy("round_robin")
        .sslContext(context)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(true)
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
    return new ServerConnection(channel);
  }

  /** The gRPC target of {@code host:port} through the DNS resolver (an IPv6 literal in brackets). */
  static String target(String host, int port) {
    boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
    return "dns:///" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
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
