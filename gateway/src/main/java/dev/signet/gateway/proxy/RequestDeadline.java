package dev.signet.gateway.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Against slowloris: a whole request (head and body) must arrive within {@code timeout} of the handshake or
 * of the end of the previous response, however slowly it trickles in (a per-read idle timeout would be
 * reset by every byte). When the time is up the connection is closed. Sits after the body aggregator, so
 * it sees complete requests, and before the forwarder, so it sees the end of each response.
 */
final class RequestDeadline extends ChannelDuplexHandler {
  private final Duration timeout;
  private ScheduledFuture<?> deadline;

  RequestDeadline(Duration timeout) {
    this.timeout = timeout;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
      arm(ctx);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest) {
      cancel();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) {
      promise = promise.unvoid();
      promise.addListener(f -> {
        if (f.isSuccess() && ctx.channel().isActive()) {
          arm(ctx);
        }
      });
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  private void arm(ChannelHandlerContext ctx) {
    cancel();
    deadline = ctx.executor().schedule(() -> {
      ctx.close();
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }
}
