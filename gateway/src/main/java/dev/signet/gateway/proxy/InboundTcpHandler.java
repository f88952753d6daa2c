package dev.signet.gateway.proxy;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.gateway.authz.AccessDecision;
import dev.signet.gateway.authz.AccessRequest;
import dev.signet.gateway.authz.Authorizer;
import dev.signet.gateway.metrics.GatewayMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP mode, after a successful handshake: asks the authorizer whether the caller may {@code connect} to the
 * route's resource (the connection is not read while the answer is on its way); on deny the connection is closed (nothing is sent upstream), on allow a plain TCP
 * connection to the upstream is opened and bytes are relayed both ways. Bytes the caller sent with its
 * last handshake message are held (up to {@link #MAX_PENDING}) until the upstream connection is open.
 */
final class InboundTcpHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(InboundTcpHandler.class);
  static final String ACTION = "connect";
  static final int MAX_PENDING = 64 * 1024;

  private final InboundTcpRoute route;
  private final Queue<Object> pending = new ArrayDeque<>();
  private int pendingBytes;

  InboundTcpHandler(InboundTcpRoute route) {
    this.route = route;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof SslHandshakeCompletionEvent)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    SpiffeId caller = PeerIdentity.of(ctx.channel());
    Decisions.whenDecided(ctx, route.authorizer().decide(new AccessRequest(route.name(), caller, ACTION, route.resource())),
        decision -> decided(ctx, caller, decision));
  }

  private void decided(ChannelHandlerContext ctx, SpiffeId caller, AccessDecision decision) {
    if (!ctx.channel().isActive()) {
      release();
      return;
    }
    route.metrics().decision(route.name(), decision.outcome());
    if (!decision.allowed()) {
      LOG.info("route {}: connection from {} denied: {}", route.name(), caller, decision.reason());
      release();
      ctx.close();
      return;
    }
    Channel inbound = ctx.channel();
    ChannelFuture connecting = new Bootstrap().group(inbound.eventLoop()).channel(route.clientChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, route.connectTimeoutMillis())
        .handler(new Relay(inbound, route.metrics(), route.name(), "out"))
        .connect(route.upstream());
    connecting.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        LOG.warn("route {}: upstream {} unreachable: {}", route.name(), route.upstream(), f.cause().getMessage());
        release();
        inbound.close();
        return;
      }
      Channel upstream = f.channel();
      if (!inbound.isActive()) {
        upstream.close();
        return;
      }
      ctx.pipeline().replace(this, "relay", new Relay(upstream, route.metrics(), route.name(), "in"));
      for (Object msg; (msg = pending.poll()) != null; ) {
        upstream.write(msg);
      }
      upstream.flush();
      inbound.read();
      upstream.read();
    });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      pendingBytes += buf.readableBytes();
      route.metrics().bytes(route.name(), "in", buf.readableBytes());
    }
    pending.add(msg);
    if (pendingBytes > MAX_PENDING) {
      release();
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  private void release() {
    for (Object msg; (msg = pending.poll()) != null; ) {
      ReferenceCountUtil.release(msg);
    }
  }
}
