package dev.signet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.gateway.TestPki;
import dev.signet.gateway.authz.AccessDecision;
import dev.signet.gateway.authz.AccessRequest;
import dev.signet.gateway.metrics.GatewayMetrics;
import dev.signet.gateway.x509.RotatingSslContext;
import dev.signet.gateway.x509.TlsContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP mode with a raw TLS client, so that requests can be as broken as an attacker likes. */
class InboundHttpTest {
  private static final String HEADER = "X-Forwarded-Client-Cert";
  private final TestPki pki = new TestPki("example.org");
  private final SpiffeId gatewayId = pki.trustDomain.id("/gateway");
  private final SpiffeId web = pki.trustDomain.id("/web");
  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
  private EventLoopGroup group;
  private RecordingHttpUpstream upstream;
  private Listener listener;
  private volatile CompletableFuture<Void> later;

  @BeforeEach
  void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    upstream = new RecordingHttpUpstream();
    RotatingSslContext tls = new RotatingSslContext("api", c -> TlsContexts.server(c, Set.of(), TestPki.CLOCK));
    tls.accept(pki.context("/gateway"));
    RouteContext route = new RouteContext("api", tls, request -> {
      asked.add(request);
      AccessDecision decision = request.resource().startsWith("/public/") ? new AccessDecision(true, "public")
          : AccessDecision.deny("not public");
      // a remote decision service answers later, on another thread
      return later == null ? CompletableFuture.completedFuture(decision) : later.thenApplyAsync(v -> decision);
    }, new GatewayMetrics(), Duration.ofSeconds(5), Duration.ofSeconds(5), NioSocketChannel.class);
    listener = Listener.bind(new InetSocketAddress("127.0.0.1", 0), group, group,
        new InboundHttpRoute(route, upstream.address(), HEADER, () -> gatewayId, 8192, 1 << 20,
            Duration.ofMillis(800)));
  }

  @AfterEach
  void stop() {
    listener.close();
    upstream.close();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private SSLSocket connect() throws Exception {
    SSLSocket socket = (SSLSocket) TestPki.client(pki.svid("/web"), gatewayId, pki.bundle()).getSocketFactory()
        .createSocket("127.0.0.1", listener.address().getPort());
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  private static void send(SSLSocket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** Reads one response with a Content-Length body: status line, headers and body as text. */
  private static String response(SSLSocket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after " + head);
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = 0;
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  private static boolean closedByGateway(SSLSocket socket) {
    try {
      return socket.getInputStream().read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void anAllowedRequestReachesTheUpstreamWithTheCallersIdAndAForgedIdentityHeaderRemoved() throws Exception {
    try (SSLSocket socket = connect()) {
      send(socket, "GET /public/hello?x=1 HTTP/1.1\r\nHost: api\r\n" + HEADER + ": By=x;URI=spiffe://example.org/admin\r\n"
          + "x-forwarded-client-cert: URI=spiffe://example.org/root\r\n\r\n");
      assertThat(response(socket)).startsWith("HTTP/1.1 200").endsWith("ok GET /public/hello");
      // keep-alive: a second request on the same connection
      send(socket, "POST /public/form HTTP/1.1\r\nHost: api\r\nContent-Length: 5\r\n\r\nhello");
      assertThat(response(socket)).startsWith("HTTP/1.1 200").endsWith("ok POST /public/form");
    }
    assertThat(upstream.received).hasSize(2);
    assertThat(upstream.received.getFirst().header(HEADER))
        .containsExactly("By=spiffe://example.org/gateway;URI=spiffe://example.org/web");
    assertThat(upstream.received.get(1).bodyBytes()).isEqualTo(5);
    assertThat(asked).containsExactly(new AccessRequest("api", web, "GET", "/public/hello"),
        new AccessRequest("api", web, "POST", "/public/form"));
  }

  @Test
  void whileARemoteDecisionIsOnItsWayNothingReachesTheUpstreamThenTheWholeRequestDoes() throws Exception {
    later = new CompletableFuture<>();
    try (SSLSocket socket = connect()) {
      send(socket, "POST /public/form HTTP/1.1\r\nHost: api\r\nContent-Length: 11\r\n\r\nhello");
      await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() == 1);
      send(socket, " world");
      assertThat(upstream.received).isEmpty();
      later.complete(null);
      assertThat(response(socket)).startsWith("HTTP/1.1 200").endsWith("ok POST /public/form");
      // the next request on the connection is decided (later) too
      send(socket, "GET /public/two HTTP/1.1\r\nHost: api\r\n\r\n");
      assertThat(response(socket)).startsWith("HTTP/1.1 200").endsWith("ok GET /public/two");
    }
    assertThat(upstream.received).hasSize(2);
    assertThat(upstream.received.getFirst().bodyBytes()).isEqualTo(11);
  }

  @Test
  void aRemoteDenialStillGets403AndNothingOfTheRequestReachesTheUpstream() throws Exception {
    later = new CompletableFuture<>();
    try (SSLSocket socket = connect()) {
      send(socket, "DELETE /admin/users/1 HTTP/1.1\r\nHost: api\r\nContent-Length: 3\r\n\r\nabc");
      await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() == 1);
      later.complete(null);
      assertThat(response(socket)).startsWith("HTTP/1.1 403").contains("DELETE /admin/users/1 is not allowed");
      assertThat(closedByGateway(socket)).isTrue();
    }
    assertThat(upstream.received).isEmpty();
  }

  @Test
  void aDeniedRequestGets403ProblemJsonAndNeverReachesTheUpstream() throws Exception {
    try (SSLSocket socket = connect()) {
      send(socket, "DELETE /admin/users/1 HTTP/1.1\r\nHost: api\r\nContent-Length: 3\r\n\r\nabc");
      String response = response(socket);
      assertThat(response).startsWith("HTTP/1.1 403").contains("content-type: application/problem+json")
          .contains("\"status\":403").contains("DELETE /admin/users/1 is not allowed for spiffe://example.org/web");
      assertThat(closedByGateway(socket)).isTrue();
    }
    assertThat(upstream.received).isEmpty();
  }

  @Test
  void aPathThatOnlyLooksPublicIsRefusedBeforeTheDecision() throws Exception {
    for (String path : List.of("/public/../admin", "/public/%2e%2e/admin", "/public/..%2fadmin", "/public//x",
        "http://other/public/x")) {
      try (SSLSocket socket = connect()) {
        send(socket, "GET " + path + " HTTP/1.1\r\nHost: api\r\n\r\n");
        assertThat(response(socket)).as(path).startsWith("HTTP/1.1 400");
      }
    }
    assertThat(asked).isEmpty();
    assertThat(upstream.received).isEmpty();
  }

  @Test
  void aHundredMegabyteBodyIsRefusedWith413BeforeItIsRead() throws Exception {
    try (SSLSocket socket = connect()) {
      send(socket, "POST /public/upload HTTP/1.1\r\nHost: api\r\nContent-Length: " + (100 << 20) + "\r\n\r\n");
      assertThat(response(socket)).startsWith("HTTP/1.1 413").contains("application/problem+json");
      assertThat(closedByGateway(socket)).isTrue();
    }
    assertThat(upstream.received).isEmpty();
  }

  @Test
  void aChunkedBodyGrowingPastTheLimitIsRefusedWith413() throws Exception {
    try (SSLSocket socket = connect()) {
      send(socket, "POST /public/upload HTTP/1.1\r\nHost: api\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = "x".repeat(64 * 1024);
      String response = null;
      try {
        for (int i = 0; i < 40; i++) {
          send(socket, Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
        }
      } catch (IOException closedWhileSending) {
        // the gateway may close before the client stops sending; its answer is still in the socket
      }
      response = response(socket);
      assertThat(response).startsWith("HTTP/1.1 413");
    }
    assertThat(upstream.received).isEmpty();
  }

  @Test
  void oversizedHeadersAreRefusedWith431() throws Exception {
    try (SSLSocket socket = connect()) {
      send(socket, "GET /public/x HTTP/1.1\r\nHost: api\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
      assertThat(response(socket)).startsWith("HTTP/1.1 431");
    }
    assertThat(upstream.received).isEmpty();
  }

  @Test
  void aSlowlorisClientIsCutOffAlthoughItKeepsSendingBytes() throws Exception {
    try (SSLSocket socket = connect()) {
      send(socket, "GET /public/slow HTTP/1.1\r\nHost: api\r\n");
      boolean cutOff = false;
      // one header byte every 100 ms never completes the head: the request deadline (800 ms) closes it
      for (int i = 0; i < 300 && !cutOff; i++) {
        try {
          send(socket, "X");
          Thread.sleep(100);
        } catch (IOException e) {
          cutOff = true;
        }
      }
      assertThat(cutOff || closedByGateway(socket)).isTrue();
    }
    assertThat(upstream.received).isEmpty();
  }
}
