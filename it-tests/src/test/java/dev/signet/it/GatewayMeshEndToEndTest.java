package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.spiffe.workloadapi.DefaultX509Source;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two signet-agents attested to one signet-server, each with its own socket, and a signet-gateway in front of
 * each side: the caller's outbound gateway (SVID from agent A, {@code expect_spiffe_id} the service's gateway)
 * carries plain HTTP and TCP over mTLS to the service side's inbound gateway (SVID from agent B, decisions from
 * policy files). X509-SVIDs live 20 s, so rotation and expiry happen within the test. The ban runs last: it
 * takes agent A away for good.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GatewayMeshEndToEndTest extends OneWorkspaceTest {
  private static final String NODE_A = SignetServer.id("/node/caller-side");
  private static final String NODE_B = SignetServer.id("/node/service-side");
  private static final String CALLER = SignetServer.id("/workload/caller");
  private static final String SERVICE = SignetServer.id("/workload/billing-gateway");
  private static final String HEADER = GatewayProcess.IDENTITY_HEADER;

  private final int inboundApi = Workspace.freePort();
  private final int inboundEcho = Workspace.freePort();
  private final int outboundApi = Workspace.freePort();
  private final int outboundEcho = Workspace.freePort();
  private final int metricsB = Workspace.freePort();
  private SignetServer server;
  private SignetAgent agentA;
  private SignetAgent agentB;
  private HttpServer upstream;
  private ServerSocket echo;

  @BeforeAll
  void start() throws Exception {
    workspace = new Workspace("gateway-mesh");
    server = new SignetServer(workspace, "20s").start();
    server.createEntryOverGrpc(NODE_A, CALLER, "unix:uid:" + Uids.current());
    server.createEntryOverGrpc(NODE_B, SERVICE, "unix:uid:" + Uids.current());
    agentA = new SignetAgent(workspace, server, "a").attestAndStart(NODE_A);
    agentB = new SignetAgent(workspace, server, "b").attestAndStart(NODE_B);

    upstream = GatewayProcess.identityEchoUpstream(headers -> { });
    echo = startEchoServer();

    Path policies = Files.createDirectories(workspace.path("policies"));
    Files.writeString(policies.resolve("mesh.yaml"), """
        policies:
          - name: mesh
            rules:
              - id: caller-reads-public
                effect: allow
                principals: ["%s"]
                actions: ["GET"]
                resources: ["/public/*"]
              - id: caller-connects-to-echo
                effect: allow
                principals: ["%s"]
                actions: ["connect"]
                resources: ["echo"]
        """.formatted(CALLER, CALLER));
    startGateway("gateway-b", agentB, SERVICE, policies, """
        inbound "api" {
          mode = "http"
          listen = "127.0.0.1:%d"
          upstream = "127.0.0.1:%d"
          identity_header = "%s"
        }
        inbound "echo" {
          listen = "127.0.0.1:%d"
          upstream = "127.0.0.1:%d"
        }
        """.formatted(inboundApi, upstream.getAddress().getPort(), HEADER, inboundEcho, echo.getLocalPort()),
        "metrics_listen = \"127.0.0.1:" + metricsB + "\"", inboundApi);
    startGateway("gateway-a", agentA, CALLER, policies, """
        outbound "api" {
          listen = "127.0.0.1:%d"
          remote = "127.0.0.1:%d"
          expect_spiffe_id = "%s"
        }
        outbound "echo" {
          listen = "127.0.0.1:%d"
          remote = "127.0.0.1:%d"
          expect_spiffe_id = "%s"
        }
        """.formatted(outboundApi, inboundApi, SERVICE, outboundEcho, inboundEcho, SERVICE), "", outboundApi);
  }

  private void startGateway(String name, SignetAgent agent, String id, Path policies, String routes, String extra,
      int port) throws IOException {
    Path config = workspace.path(name + ".conf");
    Files.writeString(config, """
        gateway {
          socket_path = "%s"
          spiffe_id = "%s"
          data_dir = "%s"
          log_level = "DEBUG"
          %s
        }
        policy {
          dir = "%s"
          cache_ttl = "0s"
        }
        %s
        """.formatted(agent.socket(), id, workspace.path(name + "-data"), extra, policies, routes));
    GatewayProcess.start(workspace, name, config, port);
  }

  @AfterAll
  void stop() throws IOException {
    if (upstream != null) {
      upstream.stop(0);
    }
    if (echo != null) {
      echo.close();
    }
  }

  @Test
  @Order(1)
  void anAllowedCallCrossesBothGatewaysWithTheCallersIdentityAndADeniedOneGets403() throws Exception {
    Reply allowed = get("/public/invoices");
    assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
    assertThat(allowed.body()).contains("upstream saw By=" + SERVICE + ";URI=" + CALLER);

    Reply denied = get("/private/salaries");
    assertThat(denied.status()).as(denied.toString()).isEqualTo(403);
    assertThat(denied.head()).containsIgnoringCase("content-type: application/problem+json");
    assertThat(denied.body()).contains("\"status\":403").doesNotContain("upstream saw");
  }

  @Test
  @Order(2)
  void aCaRotationKeepsAnOpenConnectionAndNewHandshakesUseTheNewSvid() throws Exception {
    try (Socket longLived = new Socket("127.0.0.1", outboundEcho)) {
      longLived.setSoTimeout(20_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(longLived.getInputStream(), StandardCharsets.UTF_8));
      PrintWriter out = new PrintWriter(longLived.getOutputStream(), true, StandardCharsets.UTF_8);
      out.println("before rotation");
      assertThat(in.readLine()).isEqualTo("before rotation");
      X509Certificate before = servedLeaf(inboundEcho);
      String activeBefore = authorities().path("active").path("authority_id").asText();
      Instant rotationStart = Instant.now();

      server.admin("localauthority", "x509", "prepare").requireOk();
      String prepared = authorities().path("prepared").path("authority_id").asText();
      assertThat(prepared).isNotBlank().isNotEqualTo(activeBefore);
      // both agents hold the prepared authority in their bundle before it signs anything
      awaitBundleOfTwo(agentA, CALLER);
      awaitBundleOfTwo(agentB, SERVICE);
      server.admin("localauthority", "x509", "activate", "-authorityID", prepared).requireOk();

      X509Certificate after = Poll.value("gateway-b serving an SVID from the activated authority", Duration.ofSeconds(40),
          () -> Optional.of(servedLeaf(inboundEcho)).filter(leaf -> !authorityKeyId(leaf).equals(authorityKeyId(before))));
      System.out.println("ca rotation: gateway-b served serial " + after.getSerialNumber().toString(16) + " (issuer key "
          + authorityKeyId(after) + ", authority " + prepared + ") " + Duration.between(rotationStart, Instant.now())
          .toMillis() + " ms after prepare; before: serial " + before.getSerialNumber().toString(16) + " (issuer key "
          + authorityKeyId(before) + ", authority " + activeBefore + ")");
      assertThat(authorityKeyId(before)).as("the authority key id names the authority (show's authority_id)")
          .endsWith(activeBefore);
      assertThat(authorityKeyId(after)).as("signed by the activated authority").endsWith(prepared);
      assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
      assertThat(Spiffe.spiffeIdOf(after)).isEqualTo(SERVICE);

      out.println("after rotation");
      assertThat(in.readLine()).as("the connection opened before the rotation still relays").isEqualTo("after rotation");
      try (Socket fresh = new Socket("127.0.0.1", outboundEcho)) {
        fresh.setSoTimeout(20_000);
        new PrintWriter(fresh.getOutputStream(), true, StandardCharsets.UTF_8).println("new handshake");
        assertThat(new BufferedReader(new InputStreamReader(fresh.getInputStream(), StandardCharsets.UTF_8)).readLine())
            .as("a new connection after the rotation").isEqualTo("new handshake");
      }
    }
  }

  @Test
  @Order(3)
  void aBanOfTheCallersAgentStopsNewConnectionsLongBeforeTheCallersLastSvidExpires() throws Exception {
    assertThat(get("/public/before-ban").status()).isEqualTo(200);
    Instant lastSvidExpiry;
    try (DefaultX509Source source = Spiffe.x509Source(agentA.address(), CALLER)) {
      lastSvidExpiry = source.getX509Svid().getLeaf().getNotAfter().toInstant();
    }
    server.admin("agent", "ban", "-spiffeID", agentA.spiffeId()).requireOk();
    long banned = System.nanoTime();

    Integer exit = Poll.value("the banned agent A exiting", Duration.ofSeconds(30),
        () -> Optional.ofNullable(agentA.process().awaitExit(Duration.ZERO)));
    long agentGone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - banned);
    assertThat(exit).as("a banned agent exits with an error").isNotZero();

    // the banned agent answers the caller's gateway PERMISSION_DENIED (no identity issued) before it exits: the
    // gateway withdraws its SVID at once and refuses new connections (an agent that is merely unavailable, as in
    // a restart, would leave the last SVID in force)
    long[] lastAllowed = {-1};
    Poll.until("a call through gateway-a refused", Duration.ofSeconds(45), () -> {
      try {
        int status = get("/public/after-ban").status();
        if (status == 200) {
          lastAllowed[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - banned);
          return false;
        }
        throw new AssertionError("unexpected status " + status);
      } catch (IOException refused) {
        return true;
      }
    });
    long refusedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - banned);
    Instant refusedAt = Instant.now();
    System.out.println("ban: agent A exited (code " + exit + ") " + agentGone + " ms after `agent ban` returned; last "
        + "allowed call " + lastAllowed[0] + " ms, first refused call " + refusedAfter + " ms after the ban; the caller's "
        + "last SVID expired at " + lastSvidExpiry + ", refusal seen at " + refusedAt);
    assertThat(refusedAt).as("refused because the SVID was withdrawn, not because it expired")
        .isBefore(lastSvidExpiry);
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + metricsB + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    metrics.lines().filter(l -> l.startsWith("signet_gateway_handshake_failures")).forEach(l -> System.out.println("ban: " + l));
  }

  /** What a plain HTTP/1.1 caller got: the status line's code, the head and the body. */
  private record Reply(int status, String head, String body) {}

  /**
   * One GET through gateway-a's outbound listener on a connection of its own ({@code Connection: close}, so
   * every call is a new connection and a new handshake between the gateways); IOException when the gateway
   * closes the connection without an answer.
   */
  private Reply get(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", outboundApi)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: billing\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!response.startsWith("HTTP/1.1 ")) {
        throw new IOException("no http response, got \"" + response + "\"");
      }
      int split = response.indexOf("\r\n\r\n");
      return new Reply(Integer.parseInt(response.substring(9, 12)), response.substring(0, split),
          response.substring(split + 4));
    }
  }

  private JsonNode authorities() {
    return SignetServer.json(server.admin("localauthority", "x509", "show", "-output", "json").requireOk());
  }

  private static void awaitBundleOfTwo(SignetAgent agent, String id) {
    try (DefaultX509Source source = Spiffe.x509Source(agent.address(), id)) {
      Poll.until("two x509 authorities in the bundle of " + agent.address(), Duration.ofSeconds(30), () -> {
        try {
          return source.getBundleForTrustDomain(io.spiffe.spiffeid.TrustDomain.parse(SignetServer.TRUST_DOMAIN))
              .getX509Authorities().size() == 2;
        } catch (io.spiffe.exception.BundleNotFoundException e) {
          return false;
        }
      });
    }
  }

  /**
   * The leaf a gateway serves, seen by a JDK TLS 1.3 client that presents no certificate (the gateway then
   * ends the handshake, after its own certificate has been received).
   */
  private static X509Certificate servedLeaf(int port) {
    AtomicReference<X509Certificate> seen = new AtomicReference<>();
    X509TrustManager recording = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("client side only");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen.set(chain[0]);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try {
      SSLContext tls = SSLContext.getInstance("TLSv1.3");
      tls.init(null, new TrustManager[] {recording}, null);
      try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        socket.getInputStream().read(); // the gateway's alert for the missing client certificate
      } catch (IOException expected) {
        // refused for want of a client certificate; the server's certificate was seen first
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
    return Optional.ofNullable(seen.get()).orElseThrow(() -> new AssertionError("no certificate served on " + port));
  }

  /** The authority key identifier extension as lower-case hex (its DER wrapping included, the key id last). */
  private static String authorityKeyId(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue("2.5.29.35");
    if (extension == null) {
      throw new AssertionError("no authority key identifier in " + certificate.getSubjectX500Principal());
    }
    return HexFormat.of().formatHex(extension);
  }

  private static ServerSocket startEchoServer() throws IOException {
    ServerSocket listening = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("echo-accept").start(() -> {
      while (!listening.isClosed()) {
        try {
          Socket accepted = listening.accept();
          Thread.ofVirtual().start(() -> {
            try (accepted) {
              accepted.getInputStream().transferTo(accepted.getOutputStream());
            } catch (IOException e) {
              // the peer went away
            }
          });
        } catch (IOException e) {
          if (!listening.isClosed()) {
            throw new UncheckedIOException(e);
          }
        }
      }
    });
    return listening;
  }
}
