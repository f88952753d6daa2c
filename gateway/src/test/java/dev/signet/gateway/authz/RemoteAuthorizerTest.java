package dev.signet.gateway.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.gateway.TestPki;
import dev.signet.gateway.proxy.Listener;
import dev.signet.gateway.x509.RotatingSslContext;
import dev.signet.gateway.x509.TlsContexts;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decisions asked of a decision service over mutual TLS: a real TLS server stands in for the access API and
 * answers what each test needs. Every way the answer can fail to be a clean "allow" must deny.
 */
class RemoteAuthorizerTest {
  private final TestPki pki = new TestPki("example.org");
  private final SpiffeId serverId = pki.trustDomain.id("/spire/server");
  private final AccessRequest request = new AccessRequest("api", pki.trustDomain.id("/web"), "GET", "/orders/1");
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private volatile HttpResponseStatus status = HttpResponseStatus.OK;
  private volatile String answer = "";
  private volatile boolean silent;
  private EventLoopGroup group;
  private Listener server;

  @BeforeEach
  void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    server = serving(pki.context("/spire/server"));
  }

  @AfterEach
  void stop() {
    server.close();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Listener serving(dev.signet.common.workload.X509Context identity) throws Exception {
    var tls = TlsContexts.server(identity, Set.of(), TestPki.CLOCK);
    return Listener.bind(new InetSocketAddress("127.0.0.1", 0), group, group, new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        channel.config().setAutoRead(true);
        channel.pipeline().addLast(tls.newHandler(channel.alloc()), new HttpServerCodec(),
            new HttpObjectAggregator(1 << 16), new SimpleChannelInboundHandler<FullHttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest http) {
                paths.add(http.method() + " " + http.uri());
                bodies.add(http.content().toString(StandardCharsets.UTF_8));
                if (silent) {
                  return;
                }
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(answer, StandardCharsets.UTF_8));
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                ctx.writeAndFlush(response);
              }
            });
      }
    });
  }

  private RemoteAuthorizer authorizer(InetSocketAddress address, SpiffeId expected, Duration timeout) throws Exception {
    RotatingSslContext tls = new RotatingSslContext("policy.remote", c -> TlsContexts.client(c, expected, TestPki.CLOCK));
    tls.accept(pki.context("/gateway"));
    return new RemoteAuthorizer(address, tls, group, NioSocketChannel.class, timeout);
  }

  /** {@code decision}, once checked to allow (or deny) and to be cacheable (or not) as expected. */
  private static AccessDecision decided(AccessDecision decision, boolean allowed, boolean cacheable) {
    assertThat(decision.allowed()).as("allowed: %s", decision).isEqualTo(allowed);
    assertThat(decision.cacheable()).as("cacheable: %s", decision).isEqualTo(cacheable);
    return decision;
  }

  private AccessDecision ask(RemoteAuthorizer authorizer) {
    return authorizer.decide(request).toCompletableFuture().join();
  }

  @Test
  void anAllowFromTheServerAllowsAndTheQuestionIsTheAccessApisEvaluateRequest() throws Exception {
    answer = """
        {"decision":"allow","policy":"orders","rule":"web-reads","reasons":["allowed by orders/web-reads"],"trust_score":90}""";
    AccessDecision decision = ask(authorizer(server.address(), serverId, Duration.ofSeconds(5)));
    assertThat(decided(decision, true, true).reason()).isEqualTo("allowed by orders/web-reads (trust score 90)");
    assertThat(paths).containsExactly("POST /api/v1/policies/evaluate");
    assertThat(bodies.getFirst()).isEqualTo("""
        {"identity":"spiffe://example.org/web","resource":"/orders/1","action":"GET","context":{"route":"api"}}""");
  }

  @Test
  void aDenyFromTheServerIsAPolicyDenialThatMayBeCached() throws Exception {
    answer = """
        {"decision":"deny","policy":"","rule":"","reasons":["no rule allows"],"trust_score":40}""";
    AccessDecision decision = ask(authorizer(server.address(), serverId, Duration.ofSeconds(5)));
    assertThat(decided(decision, false, true).reason()).contains("no rule allows");
  }

  @Test
  void anErrorStatusOrAnAnswerWithoutADecisionDeniesAndIsNotCached() throws Exception {
    RemoteAuthorizer authorizer = authorizer(server.address(), serverId, Duration.ofSeconds(5));
    status = HttpResponseStatus.FORBIDDEN;
    answer = """
        {"status":403,"detail":"\\"spiffe://example.org/gateway\\" may ask only about itself"}""";
    AccessDecision forbidden = ask(authorizer);
    assertThat(decided(forbidden, false, false).reason()).contains("403").contains("may ask only about itself");
    for (String body : List.of("""
        {"decision":"ALLOW"}""", "{}", "[\"allow\"]", "allow", "")) {
      status = HttpResponseStatus.OK;
      answer = body;
      AccessDecision decision = ask(authorizer);
      assertThat(decision.allowed()).as(body).isFalse();
      assertThat(decision.cacheable()).as(body).isFalse();
    }
  }

  @Test
  void aServerWithAnotherSpiffeIdIsNotAskedAtAll() throws Exception {
    answer = """
        {"decision":"allow","reasons":[],"trust_score":100}""";
    Listener impostor = serving(pki.context("/web"));
    try {
      AccessDecision decision = ask(authorizer(impostor.address(), serverId, Duration.ofSeconds(5)));
      decided(decision, false, false);
      assertThat(paths).isEmpty();
    } finally {
      impostor.close();
    }
  }

  @Test
  void noAnswerWithinTheTimeoutDenies() throws Exception {
    silent = true;
    AccessDecision decision = ask(authorizer(server.address(), serverId, Duration.ofMillis(300)));
    assertThat(decided(decision, false, false).reason()).contains("did not answer within");
  }

  @Test
  void anUnreachableServerDenies() throws Exception {
    int closedPort;
    try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = free.getLocalPort();
    }
    AccessDecision decision = ask(authorizer(new InetSocketAddress("127.0.0.1", closedPort), serverId,
        Duration.ofSeconds(5)));
    assertThat(decided(decision, false, false).reason()).contains("unreachable");
  }
}
