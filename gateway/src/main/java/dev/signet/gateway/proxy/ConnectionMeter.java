package dev.signet.gateway.proxy;

import dev.signet.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Counts a route's accepted and open connections; first in every accepted channel's pipeline. */
@ChannelHandler.Sharable
final class ConnectionMeter extends ChannelInboundHandlerAdapter {
  private final GatewayMetrics metrics;
  private final String route;

  ConnectionMeter(GatewayMetrics metrics, String route) {
    this.metrics = metrics;
    this.route = route;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    metrics.connectionOpened(route);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    metrics.connectionClosed(route);
    ctx.fireChannelInactive();
  }
}
