package dev.signet.gateway.proxy;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.gateway.authz.AccessDecision;
import dev.signet.gateway.authz.AccessRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP mode, per request, as soon as its head is read (before any of its body is buffered): a request the
 * decoder could not read is answered 431 (headers too large), 414 (request line too long) or 400; a path
 * that is not canonical gets 400 ({@link RequestPaths}); then the authorizer decides with the method as
 * action and the path as resource, and a denial is answered 403 problem+json. Only an allowed request goes
 * on, with the identity header replaced: whatever the caller sent under that name is removed and the
 * verified SPIFFE ID is set, {@code By=<gateway id>;URI=<caller id>}. While a decision is on its way (a
 * remote decision service), the connection is not read and what was already decoded is held, so nothing
 * reaches the upstream before the answer.
 */
final class HttpAuthorization extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HttpAuthorization.class);

  private final InboundHttpRoute route;
  private final Queue<Object> held = new ArrayDeque<>();
  private boolean refused;
  private boolean deciding;

  HttpAuthorization(InboundHttpRoute route) {
    this.route = route;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (deciding) {
      held.add(msg);
      return;
    }
    if (!(msg instanceof HttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      refuse(ctx, msg, cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
          : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
          : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
          : HttpResponseStatus.BAD_REQUEST, "the request could not be read: " + cause.getMessage());
      return;
    }
    Optional<String> resource = RequestPaths.resource(request.uri());
    if (resource.isEmpty()) {
      refuse(ctx, msg, HttpResponseStatus.BAD_REQUEST, "the request path is not in canonical origin form");
      return;
    }
    SpiffeId caller = PeerIdentity.of(ctx.channel());
    AccessRequest asked = new AccessRequest(route.context().name(), caller, request.method().name(), resource.get());
    boolean decided = Decisions.whenDecided(ctx, route.context().authorizer().decide(asked),
        decision -> decided(ctx, request, asked, decision));
    if (!decided) {
      deciding = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  private void decided(ChannelHandlerContext ctx, HttpRequest request, AccessRequest asked, AccessDecision decision) {
    boolean waited = deciding;
    deciding = false;
    if (!ctx.channel().isActive()) {
      ReferenceCountUtil.release(request);
      releaseHeld();
      return;
    }
    route.context().metrics().decision(route.context().name(), decision.outcome());
    if (!decision.allowed()) {
      LOG.info("route {}: {} {} denied for {}: {}", route.context().name(), asked.action(), asked.resource(),
          asked.caller(), decision.reason());
      releaseHeld();
      refuse(ctx, request, HttpResponseStatus.FORBIDDEN, asked.action() + " " + asked.resource()
          + " is not allowed for " + asked.caller());
      return;
    }
    request.headers().remove(route.identityHeader());
    request.headers().set(route.identityHeader(), "By=" + route.gatewayId().get() + ";URI=" + asked.caller());
    if (waited) {
      // reading resumes before the held parts go on: the forwarder turns it off again once a request is whole
      ctx.channel().config().setAutoRead(true);
    }
    ctx.fireChannelRead(request);
    for (Object msg; !deciding && !refused && (msg = held.poll()) != null; ) {
      channelRead(ctx, msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    ctx.fireChannelInactive();
  }

  private void releaseHeld() {
    for (Object msg; (msg = held.poll()) != null; ) {
      ReferenceCountUtil.release(msg);
    }
  }

  private void refuse(ChannelHandlerContext ctx, Object msg, HttpResponseStatus status, String detail) {
    refused = true;
    ReferenceCountUtil.release(msg);
    Problems.sendAndClose(ctx, status, detail);
  }
}
