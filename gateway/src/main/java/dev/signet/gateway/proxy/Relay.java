package dev.signet.gateway.proxy;

import dev.signet.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Copies the bytes one channel reads to another, reading the next chunk only once the previous one was
 * written (both channels run with auto-read off, so a slow receiver slows the sender instead of filling
 * memory). When either side closes, the other is closed after what it was sent is flushed.
 */
final class Relay extends ChannelInboundHandlerAdapter {
  private final Channel to;
  private final GatewayMetrics metrics;
  private final String route;
  private final String direction;

  Relay(Channel to, GatewayMetrics metrics, String route, String direction) {
    this.to = to;
    this.metrics = metrics;
    this.route = route;
    this.direction = direction;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      metrics.bytes(route, direction, buf.readableBytes());
    }
    to.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        ctx.channel().read();
      } else {
        f.channel().close();
        ctx.channel().close();
      }
    });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(to);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeOnFlush(ctx.channel());
  }

  static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
