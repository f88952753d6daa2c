package dev.signet.proto.transport;

import io.grpc.Attributes;
import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.ProtocolNegotiationEvent;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.AsciiString;
import java.io.IOException;

/**
 * Plaintext server negotiator for Unix sockets that reads SO_PEERCRED from the accepted channel and
 * adds it to the transport attributes, where {@link PeerCredentialsInterceptor} picks it up per call.
 *
 * <p>gRPC's own remote-address attribute carries no pid, so this is the only way to learn who called.
 */
final class PeerCredentialsNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
  private final InternalProtocolNegotiator.ProtocolNegotiator plaintext = InternalProtocolNegotiators.serverPlaintext();

  @Override
  public AsciiString scheme() {
    return plaintext.scheme();
  }

  @Override
  public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
    return new CaptureHandler(plaintext.newHandler(grpcHandler));
  }

  @Override
  public void close() {
    plaintext.close();
  }

  /** Captures the credentials once, hands the enriched negotiation event on, and steps out of the pipeline. */
  private static final class CaptureHandler extends ChannelInboundHandlerAdapter {
    private final ChannelHandler next;

    CaptureHandler(ChannelHandler next) {
      this.next = next;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (!(event instanceof ProtocolNegotiationEvent negotiation)) {
        super.userEventTriggered(ctx, event);
        return;
      }
      Attributes.Builder attributes = InternalProtocolNegotiationEvent.getAttributes(negotiation).toBuilder();
      if (ctx.channel() instanceof EpollDomainSocketChannel channel) {
        try {
          PeerCredentials kernel = channel.peerCredentials();
          attributes.set(dev.signet.proto.transport.PeerCredentials.TRANSPORT_ATTR,
              new dev.signet.proto.transport.PeerCredentials(kernel.pid(), kernel.uid(), kernel.gids()[0]));
        } catch (IOException e) {
          // No credentials means no identity: the call proceeds and is refused by the service.
          ctx.fireExceptionCaught(e);
        }
      }
      ctx.pipeline().addAfter(ctx.name(), null, next);
      ctx.fireUserEventTriggered(InternalProtocolNegotiationEvent.withAttributes(negotiation, attributes.build()));
      ctx.pipeline().remove(this);
    }
  }
}
