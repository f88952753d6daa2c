package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.exception.JwtSvidException;
import io.spiffe.provider.SpiffeSslContextFactory;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;
import io.spiffe.svid.jwtsvid.JwtSvid;
import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.svid.x509svid.X509SvidValidator;
import io.spiffe.workloadapi.DefaultJwtSource;
import io.spiffe.workloadapi.DefaultX509Source;
import io.spiffe.workloadapi.JwtSource;
import io.spiffe.workloadapi.JwtSourceOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One server and one agent shared by the class; real SPIFFE clients (java-spiffe) and the agent CLI as
 * workloads: X.509 and JWT sources, mTLS between two workloads, per-uid attestation, propagation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WorkloadApiEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/workload-api");
  private static final String MAIN = SignetServer.id("/workload/main");
  private static final String PEER = SignetServer.id("/workload/peer");

  private Workspace workspace;
  private SignetServer server;
  private SignetAgent agent;
  private final int uid = Uids.current();

  @Override
  public List<Workspace> workspaces() {
    return java.util.Collections.singletonList(workspace);
  }

  @BeforeAll
  void startServerAndAgent() {
    workspace = new Workspace("workload-api");
    server = new SignetServer(workspace).start();
    server.createEntry(NODE, MAIN, "unix:uid:" + uid);
    server.createEntry(NODE, PEER, "unix:uid:" + uid);
    agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);
  }

  @AfterAll
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void x509SourceFetchesTheSvidOfThisUidWithABundleThatVerifiesIt() throws Exception {
    try (DefaultX509Source source = Spiffe.x509Source(agent.address(), MAIN)) {
      X509Svid svid = source.getX509Svid();

      assertThat(svid.getSpiffeId().toString()).isEqualTo(MAIN);
      assertThat(Spiffe.spiffeIdOf(svid.getLeaf())).isEqualTo(MAIN);
      assertThat(svid.getLeaf().getPublicKey()).isNotNull();
      svid.getLeaf().checkValidity();
      X509Bundle bundle = source.getBundleForTrustDomain(TrustDomain.parse(SignetServer.TRUST_DOMAIN));
      assertThat(bundle.getX509Authorities()).isNotEmpty();
      // java-spiffe's own chain verification against the bundle the Workload API delivered
      X509SvidValidator.verifyChain(svid.getChain(), source);
      // and the private key belongs to the leaf: sign with it, verify with the certificate
      java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
      signer.initSign(svid.getPrivateKey());
      signer.update("signet".getBytes(StandardCharsets.UTF_8));
      byte[] signature = signer.sign();
      java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(svid.getLeaf());
      verifier.update("signet".getBytes(StandardCharsets.UTF_8));
      assertThat(verifier.verify(signature)).as("SVID key matches the leaf certificate").isTrue();
    }
  }

  @Test
  void jwtSourceFetchesAJwtSvidThatValidatesAgainstTheJwtBundle() throws Exception {
    JwtSource source = DefaultJwtSource.newSource(JwtSourceOptions.builder()
        .spiffeSocketPath(agent.address()).initTimeout(Duration.ofSeconds(30)).build());
    try {
      JwtSvid svid = source.fetchJwtSvid(SpiffeId.parse(MAIN), "signet-it", "second-audience");
      assertThat(svid.getSpiffeId().toString()).isEqualTo(MAIN);
      assertThat(svid.getAudience()).contains("signet-it");

      JwtSvid validated = JwtSvid.parseAndValidate(svid.getToken(), source, Set.of("signet-it"));
      assertThat(validated.getSpiffeId().toString()).isEqualTo(MAIN);
      assertThat(validated.getExpiry()).isAfter(new java.util.Date());

      // a validator expecting another audience must reject it
      assertThatThrownBy(() -> JwtSvid.parseAndValidate(svid.getToken(), source, Set.of("someone-else")))
          .isInstanceOf(JwtSvidException.class);
      // and a tampered token must not validate
      String[] parts = svid.getToken().split("\\.");
      String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
      assertThatThrownBy(() -> JwtSvid.parseAndValidate(tampered, source, Set.of("signet-it")))
          .isInstanceOf(Exception.class);
    } finally {
      source.close();
    }
  }

  @Test
  void twoWorkloadsTalkMutualTlsAndSeeEachOthersSpiffeId() throws Exception {
    try (DefaultX509Source serverSource = Spiffe.x509Source(agent.address(), MAIN);
        DefaultX509Source clientSource = Spiffe.x509Source(agent.address(), PEER)) {
      SSLContext serverContext = SpiffeSslContextFactory.getSslContext(SpiffeSslContextFactory.SslContextOptions.builder()
          .x509Source(serverSource).acceptedSpiffeIdsSupplier(() -> Set.of(SpiffeId.parse(PEER))).build());
      SSLContext clientContext = SpiffeSslContextFactory.getSslContext(SpiffeSslContextFactory.SslContextOptions.builder()
          .x509Source(clientSource).acceptedSpiffeIdsSupplier(() -> Set.of(SpiffeId.parse(MAIN))).build());

      try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
          .createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
        listener.setNeedClientAuth(true);
        CompletableFuture<String> serverSaw = CompletableFuture.supplyAsync(() -> {
          try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.startHandshake();
            String peer = Spiffe.spiffeIdOf((X509Certificate) socket.getSession().getPeerCertificates()[0]);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            out.println("hello " + peer + ", you said " + in.readLine());
            return peer;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });

        try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket()) {
          socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 10_000);
          socket.setSoTimeout(10_000);
          socket.startHandshake();
          String clientSaw = Spiffe.spiffeIdOf((X509Certificate) socket.getSession().getPeerCertificates()[0]);
          PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
          out.println("ping");
          String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();

          assertThat(clientSaw).isEqualTo(MAIN);
          assertThat(serverSaw.get(10, TimeUnit.SECONDS)).isEqualTo(PEER);
          assertThat(reply).isEqualTo("hello " + PEER + ", you said ping");
        }
      }

      // a client that only accepts another identity refuses this server
      SSLContext picky = SpiffeSslContextFactory.getSslContext(SpiffeSslContextFactory.SslContextOptions.builder()
          .x509Source(clientSource)
          .acceptedSpiffeIdsSupplier(() -> Set.of(SpiffeId.parse(SignetServer.id("/someone-else")))).build());
      try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
          .createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
        listener.setNeedClientAuth(true);
        CompletableFuture<Void> accepting = CompletableFuture.runAsync(() -> {
          try (SSLSocket socket = (SSLSocket) listener.accept()) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
          } catch (Exception expected) {
            // the client aborts the handshake
          }
        });
        try (SSLSocket socket = (SSLSocket) picky.getSocketFactory().createSocket()) {
          socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 10_000);
          socket.setSoTimeout(10_000);
          assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
        accepting.get(15, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anotherUidIsDeniedUntilAnEntryForItExists() {
    int nobody = Uids.of("nobody");
    Distribution.requireTool("runuser");
    assertThat(nobody).isNotEqualTo(uid);

    CommandResult denied = agent.fetchX509("nobody");
    String why = denied + "\n" + Distribution.run(Duration.ofSeconds(5),
        List.of("ls", "-la", workspace.dir().toString(), "/tmp/"));
    assertThat(denied.exitCode()).as(why).isNotZero();
    assertThat(denied.output()).as(why).contains("PermissionDenied");
    // the test's own uid is still served
    assertThat(agent.fetchX509(null).requireOk().stdout()).contains(MAIN);

    String nobodyId = SignetServer.id("/workload/nobody");
    server.createEntry(NODE, nobodyId, "unix:uid:" + nobody);

    CommandResult allowed = Poll.value("nobody served its SVID", Duration.ofSeconds(45), () -> {
      CommandResult fetch = agent.fetchX509("nobody");
      return fetch.ok() ? java.util.Optional.of(fetch) : java.util.Optional.empty();
    });
    assertThat(allowed.stdout()).contains(nobodyId).doesNotContain(MAIN).doesNotContain(PEER);
  }

  /**
   * The operator's existing directory holding the admin socket (here created 0755 before the server
   * started) must keep its mode: the server may create a missing directory 0770, but chmod'ing an existing
   * one would, with {@code socket_path = "/tmp/api.sock"}, turn /tmp into rwxrwx--- without its sticky bit.
   */
  @Test
  void serverLeavesTheModeOfAnExistingSocketDirectoryAlone() throws Exception {
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        java.nio.file.Files.getPosixFilePermissions(server.socket().getParent())))
        .as("mode of the pre-existing directory %s of the admin socket", server.socket().getParent())
        .isEqualTo("rwxr-xr-x");
  }

  @Test
  void newEntryPropagatesToTheWorkloadStream() {
    List<Long> fromReturn = new ArrayList<>();
    List<Long> fromInvocation = new ArrayList<>();
    // warm up the in-test gRPC client so its class loading is not measured
    server.createEntryOverGrpc(SignetServer.id("/node/elsewhere"), SignetServer.id("/warm-up"), "unix:uid:1");
    try (X509Watch watch = new X509Watch(agent.address())) {
      watch.awaitSpiffeId(MAIN, Duration.ofSeconds(30));
      for (int i = 0; i < 3; i++) {
        String id = SignetServer.id("/workload/propagation-" + i);
        long invoked = System.nanoTime();
        server.createEntryOverGrpc(NODE, id, "unix:uid:" + uid);
        long returned = System.nanoTime();
        long seen = watch.awaitSpiffeId(id, Duration.ofSeconds(30));
        fromReturn.add(TimeUnit.NANOSECONDS.toMillis(Math.max(0, seen - returned)));
        fromInvocation.add(TimeUnit.NANOSECONDS.toMillis(seen - invoked));
        assertThat(watch.latest(id)).isPresent();
      }
      assertThat(watch.errors()).as("the stream never broke").isEmpty();
    }
    List<Long> sorted = fromInvocation.stream().sorted().toList();
    System.out.println("propagation: " + sorted.get(sorted.size() / 2) + " ms (median of " + fromInvocation
        + " ms from sending BatchCreateEntry on the admin socket to the java-spiffe X509 stream delivering the"
        + " new SVID; from the RPC's response: " + fromReturn + " ms)");
  }
}
