package dev.signet.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * HTTP mode: once the caller is authenticated, its connection is read as fast as it sends (the forwarder
 * turns reading off while a request is being answered, and the decoder and body limit bound what is held).
 */
final class ReadStarter extends ChannelInboundHandlerAdapter {
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
      ctx.channel().config().setAutoRead(true);
    }
    ctx.fireUserEventTriggered(evt);
  }
}
