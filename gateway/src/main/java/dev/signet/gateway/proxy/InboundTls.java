package dev.signet.gateway.proxy;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.SvidValidationException;
import dev.signet.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows an inbound connection's TLS handshake, right after the {@link SslHandler}: on success it keeps the
 * caller's SPIFFE ID on the channel ({@link PeerIdentity}) and lets the completion event through to the
 * route's handlers; on failure (garbage instead of TLS, an untrusted, expired or malformed SVID, a timeout)
 * it counts the reason and closes the connection, and nothing reaches the upstream. Any later error on the
 * connection closes it too; the gateway goes on serving the others.
 */
final class InboundTls extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(InboundTls.class);

  private final GatewayMetrics metrics;
  private final String route;
  private long started;

  InboundTls(GatewayMetrics metrics, String route) {
    this.metrics = metrics;
    this.route = route;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    started = System.nanoTime();
  }

  /** Auto-read is off: the first read starts the handshake, the TLS handler reads the rest it needs. */
  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.fireChannelActive();
    ctx.read();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof SslHandshakeCompletionEvent done)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (!done.isSuccess()) {
      String reason = HandshakeFailures.reason(done.cause());
      metrics.handshakeFailed(route, reason);
      LOG.debug("route {}: handshake from {} failed ({}): {}", route, ctx.channel().remoteAddress(), reason,
          done.cause().getMessage());
      ctx.close();
      return;
    }
    SpiffeId caller;
    try {
      caller = PeerIdentity.read(ctx.pipeline().get(SslHandler.class));
    } catch (SSLPeerUnverifiedException | SvidValidationException e) {
      metrics.handshakeFailed(route, "bad_certificate");
      ctx.close();
      return;
    }
    metrics.handshakeSucceeded(route, Duration.ofNanos(System.nanoTime() - started));
    ctx.channel().attr(PeerIdentity.KEY).set(caller);
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("route {}: connection from {} closed: {}", route, ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
