package dev.signet.gateway.proxy;

import dev.signet.common.spiffe.SpiffeId;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An outbound route: a local plain TCP listener whose every connection is carried over mTLS to
 * {@code remote}, presenting our SVID and accepting the server only as {@code expected} (the route's TLS
 * context checks it, {@code TlsContexts.client}). The local connection is not read until the remote
 * handshake has succeeded; when it fails, the local connection is closed.
 */
public final class OutboundRoute extends ChannelInitializer<SocketChannel> {
  private static final Logger LOG = LoggerFactory.getLogger(OutboundRoute.class);

  private final RouteContext context;
  private final InetSocketAddress remote;
  private final SpiffeId expected;

  public OutboundRoute(RouteContext context, InetSocketAddress remote, SpiffeId expected) {
    this.context = context;
    this.remote = remote;
    this.expected = expected;
  }

  @Override
  protected void initChannel(SocketChannel local) {
    local.pipeline().addLast(new ConnectionMeter(context.metrics(), context.name()), new Connector());
  }

  private final class Connector extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel local = ctx.channel();
      long started = System.nanoTime();
      new Bootstrap().group(local.eventLoop()).channel(context.clientChannel())
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) context.connectTimeout().toMillis())
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              SslHandler ssl = context.tls().get().newHandler(channel.alloc(), remote.getHostString(), remote.getPort());
              ssl.setHandshakeTimeoutMillis(context.handshakeTimeout().toMillis());
              channel.pipeline().addLast(ssl, new Handshake(ctx, started));
            }
          })
          .connect(remote).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
              LOG.warn("route {}: remote {} unreachable: {}", context.name(), remote, f.cause().getMessage());
              local.close();
            } else {
              f.channel().read();
            }
          });
      ctx.fireChannelActive();
    }
  }

  private final class Handshake extends ChannelInboundHandlerAdapter {
    private final ChannelHandlerContext local;
    private final long started;

    Handshake(ChannelHandlerContext local, long started) {
      this.local = local;
      this.started = started;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (!(evt instanceof SslHandshakeCompletionEvent done)) {
        ctx.fireUserEventTriggered(evt);
        return;
      }
      if (!done.isSuccess()) {
        context.metrics().handshakeFailed(context.name(), HandshakeFailures.reason(done.cause()));
        LOG.warn("route {}: remote {} is not {}: {}", context.name(), remote, expected, done.cause().getMessage());
        ctx.close();
        local.close();
        return;
      }
      context.metrics().handshakeSucceeded(context.name(), Duration.ofNanos(System.nanoTime() - started));
      Channel remoteChannel = ctx.channel();
      if (!local.channel().isActive()) {
        remoteChannel.close();
        return;
      }
      ctx.pipeline().replace(this, "relay", new Relay(local.channel(), context.metrics(), context.name(), "in"));
      local.pipeline().addLast(new Relay(remoteChannel, context.metrics(), context.name(), "out"));
      local.channel().read();
      remoteChannel.read();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
      local.close();
    }
  }
}
