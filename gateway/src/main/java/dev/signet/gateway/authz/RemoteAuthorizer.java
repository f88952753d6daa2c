package dev.signet.gateway.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Asks the server's access API for each decision ({@code POST /api/v1/policies/evaluate}, the same engine,
 * policy files and trust scores the server uses everywhere), over mutual TLS with the gateway's own
 * X509-SVID: the server must list the gateway's SPIFFE ID in {@code access_api.decision_clients} to be
 * asked about other identities, and records each decision in its own audit trail.
 *
 * <p>One connection per decision (a full TLS 1.3 handshake, never resumed: see {@code TlsContexts}); the
 * {@link CachingAuthorizer} in front keeps repeated questions off the network. Security: fail closed. An
 * unreachable server, a handshake refused, an answer that is not 200 or not the expected JSON, or no answer
 * within {@code timeout} is a denial marked {@link AccessDecision#unavailable not cacheable}; only
 * {@code "decision": "allow"} in a 200 answer allows.
 */
public final class RemoteAuthorizer implements Authorizer {
  static final String PATH = "/api/v1/policies/evaluate";
  static final int MAX_RESPONSE_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InetSocketAddress server;
  private final Supplier<SslContext> tls;
  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final Duration timeout;

  /**
   * @param server the access API's address ({@code access_api} with {@code tls = true})
   * @param tls the client context of the next connection: our SVID, and the server's expected SPIFFE ID
   */
  public RemoteAuthorizer(InetSocketAddress server, Supplier<SslContext> tls, EventLoopGroup group,
      Class<? extends SocketChannel> channelType, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("decision timeout must be positive, got " + timeout);
    }
    this.server = server;
    this.tls = tls;
    this.group = group;
    this.channelType = channelType;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<AccessDecision> decide(AccessRequest request) {
    CompletableFuture<AccessDecision> answer = new CompletableFuture<>();
    FullHttpRequest http;
    SslContext context;
    try {
      http = httpRequest(request);
      context = tls.get();
    } catch (IOException | RuntimeException e) {
      answer.complete(AccessDecision.unavailable("no decision could be asked for: " + e.getMessage()));
      return answer;
    }
    ChannelFuture connecting = new Bootstrap().group(group).channel(channelType)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            SslHandler ssl = context.newHandler(channel.alloc(), server.getHostString(), server.getPort());
            ssl.setHandshakeTimeoutMillis(timeout.toMillis());
            channel.pipeline().addLast(ssl, new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES),
                new Answer(answer));
          }
        })
        .connect(server.isUnresolved() ? new InetSocketAddress(server.getHostString(), server.getPort()) : server);
    Channel channel = connecting.channel();
    var deadline = channel.eventLoop().schedule(() -> {
      answer.complete(AccessDecision.unavailable("the decision service at " + address() + " did not answer within "
          + timeout));
      channel.close();
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    answer.whenComplete((d, e) -> deadline.cancel(false));
    connecting.addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        http.release();
        answer.complete(AccessDecision.unavailable("the decision service at " + address() + " is unreachable: "
            + f.cause().getMessage()));
        return;
      }
      f.channel().writeAndFlush(http);
    });
    channel.closeFuture().addListener(f -> answer.complete(
        AccessDecision.unavailable("the decision service at " + address() + " closed the connection without an answer")));
    return answer;
  }

  private FullHttpRequest httpRequest(AccessRequest request) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("identity", request.caller().toString());
    body.put("resource", request.resource());
    body.put("action", request.action());
    body.put("context", Map.of("route", request.route()));
    byte[] bytes = JSON.writeValueAsBytes(body);
    FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, PATH,
        Unpooled.wrappedBuffer(bytes));
    http.headers().set(HttpHeaderNames.HOST, address())
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return http;
  }

  private String address() {
    return server.getHostString() + ":" + server.getPort();
  }

  /** Reads the one answer, turns it into a decision, closes the connection. */
  private final class Answer extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final CompletableFuture<AccessDecision> answer;

    Answer(CompletableFuture<AccessDecision> answer) {
      this.answer = answer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      answer.complete(decision(response.status(), response.content().toString(StandardCharsets.UTF_8)));
      ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      answer.complete(AccessDecision.unavailable("the decision service at " + address() + " failed: "
          + cause.getMessage()));
      ctx.close();
    }
  }

  /** The decision in an answer of the access API; anything but a well-formed 200 is a non-cacheable denial. */
  static AccessDecision decision(HttpResponseStatus status, String body) {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      return AccessDecision.unavailable("the decision service answered " + status.code() + " with a body that is not JSON");
    }
    if (status.code() != 200) {
      String detail = json != null && json.hasNonNull("detail") ? json.get("detail").asText() : body;
      return AccessDecision.unavailable("the decision service answered " + status.code() + ": " + detail);
    }
    String decision = json == null ? "" : json.path("decision").asText("");
    if (!decision.equals("allow") && !decision.equals("deny")) {
      return AccessDecision.unavailable("the decision service answered no decision: " + body);
    }
    JsonNode reasons = json.path("reasons");
    String why = reasons.isArray() && !reasons.isEmpty() ? reasons.get(reasons.size() - 1).asText() : decision;
    String reason = why + " (trust score " + json.path("trust_score").asText("?") + ")";
    return new AccessDecision(decision.equals("allow"), reason);
  }
}
