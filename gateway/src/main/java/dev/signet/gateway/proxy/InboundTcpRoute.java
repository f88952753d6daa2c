package dev.signet.gateway.proxy;

import dev.signet.gateway.authz.Authorizer;
import dev.signet.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;

/**
 * An inbound TCP route: mTLS from callers, authorized once per connection ({@code connect} on
 * {@code resource}), relayed as plain TCP to {@code upstream}.
 */
public final class InboundTcpRoute extends ChannelInitializer<SocketChannel> {
  private final RouteContext context;
  private final String resource;
  private final InetSocketAddress upstream;

  public InboundTcpRoute(RouteContext context, String resource, InetSocketAddress upstream) {
    this.context = context;
    this.resource = resource;
    this.upstream = upstream;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    SslHandler ssl = context.tls().get().newHandler(channel.alloc());
    ssl.setHandshakeTimeoutMillis(context.handshakeTimeout().toMillis());
    channel.pipeline().addLast(new ConnectionMeter(context.metrics(), context.name()), ssl,
        new InboundTls(context.metrics(), context.name()), new InboundTcpHandler(this));
  }

  String name() {
    return context.name();
  }

  String resource() {
    return resource;
  }

  InetSocketAddress upstream() {
    return upstream;
  }

  Authorizer authorizer() {
    return context.authorizer();
  }

  GatewayMetrics metrics() {
    return context.metrics();
  }

  int connectTimeoutMillis() {
    return (int) context.connectTimeout().toMillis();
  }

  Class<? extends SocketChannel> clientChannel() {
    return context.clientChannel();
  }
}
