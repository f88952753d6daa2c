package dev.signet.gateway.proxy;

import dev.signet.common.spiffe.SpiffeId;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * An inbound HTTP route: mTLS from callers, one decision per request (method on path), the caller's
 * SPIFFE ID forwarded in {@code identityHeader}, bounded request line and headers ({@code maxHeaderBytes}),
 * body ({@code maxBodyBytes}) and time to send a request ({@code requestTimeout}).
 */
public final class InboundHttpRoute extends ChannelInitializer<SocketChannel> {
  static final int MAX_INITIAL_LINE = 8192;

  private final RouteContext context;
  private final InetSocketAddress upstream;
  private final String identityHeader;
  private final Supplier<SpiffeId> gatewayId;
  private final int maxHeaderBytes;
  private final int maxBodyBytes;
  private final Duration requestTimeout;

  public InboundHttpRoute(RouteContext context, InetSocketAddress upstream, String identityHeader,
      Supplier<SpiffeId> gatewayId, int maxHeaderBytes, int maxBodyBytes, Duration requestTimeout) {
    this.context = context;
    this.upstream = upstream;
    this.identityHeader = identityHeader;
    this.gatewayId = gatewayId;
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxBodyBytes = maxBodyBytes;
    this.requestTimeout = requestTimeout;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    SslHandler ssl = context.tls().get().newHandler(channel.alloc());
    ssl.setHandshakeTimeoutMillis(context.handshakeTimeout().toMillis());
    channel.pipeline().addLast(new ConnectionMeter(context.metrics(), context.name()), ssl,
        new InboundTls(context.metrics(), context.name()),
        new HttpServerCodec(MAX_INITIAL_LINE, maxHeaderBytes, 8192),
        new HttpAuthorization(this), new BodyLimit(maxBodyBytes), new RequestDeadline(requestTimeout),
        new HttpForwarder(this), new ReadStarter());
  }

  RouteContext context() {
    return context;
  }

  InetSocketAddress upstream() {
    return upstream;
  }

  String identityHeader() {
    return identityHeader;
  }

  Supplier<SpiffeId> gatewayId() {
    return gatewayId;
  }
}
