package dev.signet.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP mode, last handler: sends each complete, allowed request to the upstream over one plain HTTP/1.1
 * connection per caller connection (opened at the first request, kept while both sides keep alive) and
 * streams the response back. One request at a time: the caller's connection is not read while a response
 * is on its way, and the upstream is read only as fast as the caller takes the response.
 */
final class HttpForwarder extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpForwarder.class);

  private final InboundHttpRoute route;
  private Channel upstream;
  private boolean keepAlive;
  private long started;

  HttpForwarder(InboundHttpRoute route) {
    this.route = route;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    started = System.nanoTime();
    keepAlive = HttpUtil.isKeepAlive(request);
    route.context().metrics().bytes(route.context().name(), "in", request.content().readableBytes());
    ctx.channel().config().setAutoRead(false);
    if (upstream != null && upstream.isActive()) {
      send(ctx, request);
      return;
    }
    Channel inbound = ctx.channel();
    ChannelFuture connecting = new Bootstrap().group(inbound.eventLoop()).channel(route.context().clientChannel())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) route.context().connectTimeout().toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpClientCodec(), new ResponseRelay(ctx));
          }
        })
        .connect(route.upstream());
    connecting.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        LOG.warn("route {}: upstream {} unreachable: {}", route.context().name(), route.upstream(),
            f.cause().getMessage());
        request.release();
        Problems.sendAndClose(ctx, HttpResponseStatus.BAD_GATEWAY, "the upstream is unreachable");
        return;
      }
      if (!inbound.isActive()) {
        request.release();
        f.channel().close();
        return;
      }
      upstream = f.channel();
      send(ctx, request);
    });
  }

  private void send(ChannelHandlerContext ctx, FullHttpRequest request) {
    upstream.writeAndFlush(request).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        Problems.sendAndClose(ctx, HttpResponseStatus.BAD_GATEWAY, "the request could not be sent upstream");
      }
    });
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.close();
    }
    ctx.fireChannelInactive();
  }

  /** Streams the upstream's response to the caller, then lets the caller's next request in. */
  private final class ResponseRelay extends ChannelInboundHandlerAdapter {
    private final ChannelHandlerContext caller;
    private int status;
    private boolean responseKeepAlive;
    private boolean inResponse;

    ResponseRelay(ChannelHandlerContext caller) {
      this.caller = caller;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof HttpObject)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpResponse response) {
        inResponse = true;
        status = response.status().code();
        responseKeepAlive = HttpUtil.isKeepAlive(response);
        if (!keepAlive) {
          HttpUtil.setKeepAlive(response, false);
        }
      }
      if (msg instanceof ByteBufHolder holder) {
        route.context().metrics().bytes(route.context().name(), "out", holder.content().readableBytes());
      }
      boolean last = msg instanceof LastHttpContent;
      ChannelFuture written = caller.writeAndFlush(msg);
      if (last) {
        inResponse = false;
        route.context().metrics().request(route.context().name(), status, Duration.ofNanos(System.nanoTime() - started));
        if (keepAlive && responseKeepAlive) {
          written.addListener(f -> {
            caller.channel().config().setAutoRead(true);
          });
        } else {
          written.addListener(ChannelFutureListener.CLOSE);
          ctx.close();
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (inResponse || !responseKeepAlive) {
        Relay.closeOnFlush(caller.channel());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("route {}: upstream connection failed: {}", route.context().name(), cause.toString());
      ctx.close();
      Relay.closeOnFlush(caller.channel());
    }
  }
}
