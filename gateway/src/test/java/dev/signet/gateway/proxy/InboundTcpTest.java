package dev.signet.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import dev.signet.gateway.TestPki;
import dev.signet.gateway.authz.AccessDecision;
import dev.signet.gateway.authz.AccessRequest;
import dev.signet.gateway.metrics.GatewayMetrics;
import dev.signet.gateway.x509.RotatingSslContext;
import dev.signet.gateway.x509.TlsContexts;
import dev.signet.common.workload.X509Context;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TCP mode against real sockets: each trust decision, tried from the side of a caller who wants in. */
class InboundTcpTest {
  private final TestPki pki = new TestPki("example.org");
  private final TestPki partner = new TestPki("partner.org");
  private final SpiffeId gatewayId = pki.trustDomain.id("/gateway");
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
  private volatile boolean allow = true;
  private volatile CompletableFuture<Void> later;
  private volatile Set<TrustDomain> federated = Set.of();
  private final ManualClock clock = new ManualClock(TestCertificate.NOW);
  private EventLoopGroup group;
  private EchoServer upstream;
  private RotatingSslContext tls;
  private Listener listener;

  @BeforeEach
  void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    upstream = new EchoServer();
    tls = new RotatingSslContext("echo", c -> TlsContexts.server(c, federated, clock));
    tls.accept(pki.context("/gateway", partner.bundle()));
    RouteContext route = new RouteContext("echo", tls, request -> {
      asked.add(request);
      AccessDecision decision = allow ? new AccessDecision(true, "test allows") : AccessDecision.deny("test denies");
      // a remote decision service answers later, on another thread
      return later == null ? CompletableFuture.completedFuture(decision) : later.thenApplyAsync(v -> decision);
    }, metrics, Duration.ofSeconds(5), Duration.ofSeconds(5), NioSocketChannel.class);
    listener = Listener.bind(new java.net.InetSocketAddress("127.0.0.1", 0), group, group,
        new InboundTcpRoute(route, "echo-db", upstream.address()));
  }

  @AfterEach
  void stop() throws IOException {
    listener.close();
    upstream.close();
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private SSLSocket connect(SSLContext client) throws IOException {
    SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", listener.address().getPort());
    socket.setSoTimeout(5000);
    socket.startHandshake();
    return socket;
  }

  private SSLContext clientWith(dev.signet.common.tls.SvidKeyManager.KeyMaterial svid) throws Exception {
    return TestPki.client(svid, gatewayId, pki.bundle());
  }

  private static String echo(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
    InputStream in = socket.getInputStream();
    byte[] back = in.readNBytes(text.length());
    return new String(back, StandardCharsets.UTF_8);
  }

  /** Reads until the gateway closes the connection (or fails the TLS session). */
  private static void assertClosedByGateway(Socket socket) {
    assertThatThrownBy(() -> {
      socket.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      if (socket.getInputStream().read() == -1) {
        throw new IOException("closed");
      }
    }).isInstanceOf(IOException.class);
  }

  private double failures(String reason) {
    var counter = metrics.registry().find("signet_gateway_handshake_failures").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void anAllowedCallerReachesTheUpstreamAndIsAskedAboutAsConnectOnTheResource() throws Exception {
    try (SSLSocket socket = connect(clientWith(pki.svid("/web")))) {
      assertThat(echo(socket, "ping")).isEqualTo("ping");
      assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
    }
    assertThat(asked).containsExactly(new AccessRequest("echo", pki.trustDomain.id("/web"), "connect", "echo-db"));
  }

  @Test
  void aDeniedCallerIsDisconnectedAndTheUpstreamNeverSeesAConnection() throws Exception {
    allow = false;
    try (SSLSocket socket = connect(clientWith(pki.svid("/web")))) {
      assertClosedByGateway(socket);
    }
    assertThat(upstream.accepted).hasValue(0);
  }

  @Test
  void bytesSentBeforeARemoteDecisionAreHeldAndRelayedOnlyOnceAllowed() throws Exception {
    later = new CompletableFuture<>();
    try (SSLSocket socket = connect(clientWith(pki.svid("/web")))) {
      socket.getOutputStream().write("early".getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() == 1);
      assertThat(upstream.accepted).hasValue(0);
      later.complete(null);
      assertThat(new String(socket.getInputStream().readNBytes(5), StandardCharsets.UTF_8)).isEqualTo("early");
      assertThat(echo(socket, "ping")).isEqualTo("ping");
    }
  }

  @Test
  void aRemoteDenialClosesTheConnectionAndTheUpstreamNeverSeesIt() throws Exception {
    allow = false;
    later = new CompletableFuture<>();
    try (SSLSocket socket = connect(clientWith(pki.svid("/web")))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() == 1);
      later.complete(null);
      assertClosedByGateway(socket);
    }
    assertThat(upstream.accepted).hasValue(0);
  }

  @Test
  void aCertificateFromAnUntrustedCaIsRefused() throws Exception {
    TestPki stranger = new TestPki("example.org");
    assertThatThrownBy(() -> echo(connect(clientWith(stranger.svid("/web"))), "ping")).isInstanceOf(IOException.class);
    await().until(() -> failures("bad_certificate") == 1);
    assertThat(asked).isEmpty();
    assertThat(upstream.accepted).hasValue(0);
  }

  @Test
  void anExpiredSvidIsRefused() throws Exception {
    var expired = TestCertificate.leaf("spiffe://example.org/web", pki.ca)
        .validity(TestCertificate.NOW.minusSeconds(7200), TestCertificate.NOW.minusSeconds(1)).issue();
    assertThatThrownBy(() -> echo(connect(clientWith(TestPki.material(expired))), "ping"))
        .isInstanceOf(IOException.class);
    await().until(() -> failures("bad_certificate") + failures("certificate_expired") == 1);
    assertThat(upstream.accepted).hasValue(0);
  }

  @Test
  void aCertificateWithTwoUriSansIsRefused() throws Exception {
    var twoIds = TestCertificate.leaf("spiffe://example.org/web", pki.ca)
        .uris("spiffe://example.org/web", "spiffe://example.org/admin").issue();
    assertThatThrownBy(() -> echo(connect(clientWith(TestPki.material(twoIds))), "ping"))
        .isInstanceOf(IOException.class);
    await().until(() -> failures("bad_certificate") == 1);
    assertThat(upstream.accepted).hasValue(0);
  }

  @Test
  void aCallerOfAnotherTrustDomainSignedByOurCaIsRefused() throws Exception {
    // our CA vouches only for example.org: a partner.org ID it signed must chain to partner.org's bundle
    var forged = TestCertificate.leaf("spiffe://partner.org/web", pki.ca).issue();
    assertThatThrownBy(() -> echo(connect(clientWith(TestPki.material(forged))), "ping"))
        .isInstanceOf(IOException.class);
    assertThat(upstream.accepted).hasValue(0);
  }

  @Test
  void aFederatedCallerIsRefusedUntilItsTrustDomainIsAllowed() throws Exception {
    assertThatThrownBy(() -> echo(connect(clientWith(partner.svid("/web"))), "ping")).isInstanceOf(IOException.class);
    federated = Set.of(partner.trustDomain);
    tls.accept(pki.context("/gateway", partner.bundle()));
    try (SSLSocket socket = connect(clientWith(partner.svid("/web")))) {
      assertThat(echo(socket, "ping")).isEqualTo("ping");
    }
    assertThat(asked).extracting(AccessRequest::caller).containsExactly(partner.trustDomain.id("/web"));
  }

  @Test
  void garbageBeforeTheHandshakeIsDroppedAndTheGatewayServesTheNextCaller() throws Exception {
    try (Socket raw = new Socket("127.0.0.1", listener.address().getPort())) {
      raw.setSoTimeout(5000);
      raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      raw.getOutputStream().flush();
      assertThat(raw.getInputStream().readAllBytes()).doesNotContain((byte) 'p');
    }
    await().until(() -> failures("not_tls") == 1);
    try (SSLSocket socket = connect(clientWith(pki.svid("/web")))) {
      assertThat(echo(socket, "ping")).isEqualTo("ping");
    }
    assertThat(upstream.accepted).hasValue(1);
  }

  @Test
  void noSessionIsResumedSoTheNextConnectionOfTheSameClientIsVerifiedAgain() throws Exception {
    var shortLived = TestCertificate.leaf("spiffe://example.org/web", pki.ca)
        .validity(TestCertificate.NOW.minusSeconds(60), TestCertificate.NOW.plusSeconds(60)).issue();
    SSLContext client = clientWith(TestPki.material(shortLived));
    try (SSLSocket socket = connect(client)) {
      assertThat(echo(socket, "ping")).isEqualTo("ping");
    }
    // same server TLS context, same client context: a resumed session would skip the expiry check
    clock.advance(Duration.ofMinutes(2));
    assertThatThrownBy(() -> echo(connect(client), "ping")).isInstanceOf(IOException.class);
    await().until(() -> failures("certificate_expired") == 1);
    assertThat(upstream.accepted).hasValue(1);
  }

  @Test
  void aRotationKeepsOpenConnectionsAndNewHandshakesGetTheNewSvid() throws Exception {
    SSLContext client = clientWith(pki.svid("/web"));
    try (SSLSocket before = connect(client)) {
      assertThat(echo(before, "one")).isEqualTo("one");
      var oldLeaf = (java.security.cert.X509Certificate) before.getSession().getPeerCertificates()[0];
      tls.accept(pki.context("/gateway"));
      try (SSLSocket after = connect(client)) {
        var newLeaf = (java.security.cert.X509Certificate) after.getSession().getPeerCertificates()[0];
        assertThat(newLeaf.getSerialNumber()).isNotEqualTo(oldLeaf.getSerialNumber());
        assertThat(echo(after, "two")).isEqualTo("two");
      }
      assertThat(echo(before, "three")).isEqualTo("three");
    }
  }

  @Test
  void aWithdrawnSvidRefusesNewConnectionsAndKeepsOpenOnes() throws Exception {
    SSLContext client = clientWith(pki.svid("/web"));
    try (SSLSocket open = connect(client)) {
      assertThat(echo(open, "one")).isEqualTo("one");
      tls.withdraw(); // the agent answered PERMISSION_DENIED: this gateway has no identity any more
      assertThatThrownBy(() -> echo(connect(client), "ping")).isInstanceOf(IOException.class);
      assertThat(echo(open, "two")).isEqualTo("two");
      tls.accept(pki.context("/gateway", partner.bundle())); // issued again
      try (SSLSocket again = connect(client)) {
        assertThat(echo(again, "three")).isEqualTo("three");
      }
    }
  }
}
