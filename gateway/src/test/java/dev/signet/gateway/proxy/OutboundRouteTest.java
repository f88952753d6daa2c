package dev.signet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.gateway.TestPki;
import dev.signet.gateway.authz.AccessDecision;
import dev.signet.gateway.authz.Authorizer;
import dev.signet.gateway.metrics.GatewayMetrics;
import dev.signet.gateway.x509.RotatingSslContext;
import dev.signet.gateway.x509.TlsContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Outbound route → inbound TCP route → echo: two gateways, plain TCP at both ends. */
class OutboundRouteTest {
  private final TestPki pki = new TestPki("example.org");
  private final GatewayMetrics metrics = new GatewayMetrics();
  private EventLoopGroup group;
  private EchoServer echo;
  private Listener inbound;

  @BeforeEach
  void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    echo = new EchoServer();
    RotatingSslContext serverTls = new RotatingSslContext("in", c -> TlsContexts.server(c, Set.of(), TestPki.CLOCK));
    serverTls.accept(pki.context("/db-gateway"));
    inbound = Listener.bind(new InetSocketAddress("127.0.0.1", 0), group, group, new InboundTcpRoute(
        new RouteContext("in", serverTls, Authorizer.immediate(r -> new AccessDecision(true, "ok")), metrics, Duration.ofSeconds(5),
            Duration.ofSeconds(5), NioSocketChannel.class), "db", echo.address()));
  }

  @AfterEach
  void stop() throws Exception {
    inbound.close();
    echo.close();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Listener outbound(String expected) throws Exception {
    SpiffeId expect = SpiffeId.parse(expected);
    RotatingSslContext clientTls = new RotatingSslContext("out", c -> TlsContexts.client(c, expect, TestPki.CLOCK));
    clientTls.accept(pki.context("/web-gateway"));
    return Listener.bind(new InetSocketAddress("127.0.0.1", 0), group, group, new OutboundRoute(
        new RouteContext("out", clientTls, Authorizer.immediate(r -> new AccessDecision(true, "ok")), metrics, Duration.ofSeconds(5),
            Duration.ofSeconds(5), NioSocketChannel.class), inbound.address(), expect));
  }

  @Test
  void plainBytesTravelOverMutualTlsToTheExpectedServer() throws Exception {
    try (Listener out = outbound("spiffe://example.org/db-gateway");
        Socket socket = new Socket("127.0.0.1", out.address().getPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("ping");
    }
    assertThat(echo.accepted).hasValue(1);
  }

  @Test
  void aServerWithAnotherSpiffeIdIsRefusedAndTheLocalConnectionClosed() throws Exception {
    try (Listener out = outbound("spiffe://example.org/billing");
        Socket socket = new Socket("127.0.0.1", out.address().getPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    await().until(() -> metrics.registry().find("signet_gateway_handshake_failures").tag("route", "out").counter() != null);
    assertThat(echo.accepted).hasValue(0);
  }
}
