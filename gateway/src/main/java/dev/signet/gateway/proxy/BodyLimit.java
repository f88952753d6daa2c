package dev.signet.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Gathers an allowed request's body, at most {@code maxBytes}: a request announcing more is answered 413 at
 * once (before its body is read), one sending more is answered 413 when it crosses the limit; either way
 * nothing of it reaches the upstream and the connection is closed.
 */
final class BodyLimit extends HttpObjectAggregator {
  BodyLimit(int maxBytes) {
    super(maxBytes, true);
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    Problems.sendAndClose(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "the request body is larger than " + maxContentLength() + " bytes");
  }
}
