package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.common.testing.TestCertificate;
import dev.signet.proto.spire.api.server.localauthority.v1.ActivateJWTAuthorityRequest;
import dev.signet.proto.spire.api.server.localauthority.v1.ActivateX509AuthorityRequest;
import dev.signet.proto.spire.api.server.localauthority.v1.GetJWTAuthorityStateRequest;
import dev.signet.proto.spire.api.server.localauthority.v1.GetX509AuthorityStateRequest;
import dev.signet.proto.spire.api.server.localauthority.v1.LocalAuthorityGrpc;
import dev.signet.proto.spire.api.server.localauthority.v1.PrepareJWTAuthorityRequest;
import dev.signet.proto.spire.api.server.localauthority.v1.PrepareX509AuthorityRequest;
import dev.signet.proto.spire.api.server.localauthority.v1.TaintJWTAuthorityRequest;
import dev.signet.proto.spire.api.server.localauthority.v1.TaintX509AuthorityRequest;
import dev.signet.proto.spire.api.server.svid.v1.MintX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The access API over HTTPS ({@code access_api { tls = true }}): the server presents its own SVID, an
 * X509-SVID client certificate authenticates the caller without a token, a certificate from another
 * CA never completes the handshake, and a certificate or token signed by a tainted authority is refused
 * from the next request on, also on a kept-alive connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessApiMutualTlsTest {
  private ServerFixture fixture;
  private AccessApiClient tokens;

  @BeforeAll
  void start() throws Exception {
    fixture = new ServerFixture(List.of(), true);
    tokens = new AccessApiClient(fixture);
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private record Answer(int status, String body) {}

  /** One HTTPS request; the server must prove it is {@code spiffe://example.org/spire/server}. */
  private Answer call(String method, String path, String body, SSLContext tls, String bearer) throws Exception {
    HttpsURLConnection connection = (HttpsURLConnection) URI.create("https://127.0.0.1:" + fixture.accessApiPort()
        + path).toURL().openConnection();
    connection.setSSLSocketFactory(tls.getSocketFactory());
    connection.setHostnameVerifier((host, session) -> {
      try {
        Certificate leaf = session.getPeerCertificates()[0];
        return X509SvidValidator.spiffeIdOf((X509Certificate) leaf).equals(ServerFixture.SERVER_ID);
      } catch (SSLPeerUnverifiedException e) {
        return false;
      }
    });
    connection.setRequestMethod(method);
    if (bearer != null) {
      connection.setRequestProperty("Authorization", bearer);
    }
    if (body != null) {
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = connection.getResponseCode();
    try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
      return new Answer(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** A TLS context trusting the server's bundle, presenting {@code svid} when not null. */
  private SSLContext tls(KeyPair key, List<X509Certificate> svid) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate authority : fixture.bundle().x509Certificates()) {
      trust.setCertificateEntry("ca" + i++, authority);
    }
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
    trustManagers.init(trust);
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    if (svid != null) {
      keys.setKeyEntry("svid", key.getPrivate(), "x".toCharArray(), svid.toArray(new Certificate[0]));
    }
    keyManagers.init(keys, "x".toCharArray());
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }

  private SSLContext withSvid(SpiffeId id) throws Exception {
    KeyPair key = KeyType.EC_P256.generate();
    List<X509Certificate> chain = SvidProtos.chainOf(SVIDGrpc.newBlockingStub(fixture.admin)
        .withDeadlineAfter(20, TimeUnit.SECONDS).mintX509SVID(MintX509SVIDRequest.newBuilder()
            .setCsr(com.google.protobuf.ByteString.copyFrom(Csrs.create(key, id, List.of()))).setTtl(300).build())
        .getSvid());
    return tls(key, chain);
  }

  @Test
  void anX509SvidClientCertificateAuthenticatesWithoutAToken() throws Exception {
    Answer answer = call("GET", "/api/v1/identities", null, withSvid(ServerFixture.TD.id("/ops/console")), null);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    Answer audit = call("GET", "/api/v1/audit?action=identities", null, withSvid(ServerFixture.ACCESS_ADMIN), null);
    assertThat(audit.status()).as(audit.body()).isEqualTo(200);
    assertThat(audit.body()).contains("\"actor\":\"spiffe://example.org/ops/console\"");
  }

  @Test
  void adminChecksApplyToCertificateCallersToo() throws Exception {
    String rotate = "{\"scope\":\"ca\"}";
    assertThat(call("POST", "/api/v1/certificates/rotate", rotate, withSvid(ServerFixture.TD.id("/ops/console")), null)
        .status()).isEqualTo(403);
    Answer admin = call("POST", "/api/v1/certificates/rotate", rotate, withSvid(ServerFixture.ACCESS_ADMIN), null);
    assertThat(admin.status()).as(admin.body()).isEqualTo(200);
  }

  @Test
  void withoutACertificateABearerTokenIsStillAcceptedAndNothingElseIs() throws Exception {
    SSLContext anonymous = tls(null, null);
    assertThat(call("GET", "/api/v1/identities", null, anonymous, null).status()).isEqualTo(401);
    assertThat(call("GET", "/api/v1/identities", null, anonymous,
        tokens.bearer(ServerFixture.TD.id("/ops/console"), AccessApiClient.AUDIENCE)).status()).isEqualTo(200);
    assertThat(call("GET", "/health", null, anonymous, null).status()).isEqualTo(200);
  }

  @Test
  void aCertificateFromAnotherCaNeverCompletesTheHandshake() throws Exception {
    TestCertificate.Issued ca = TestCertificate.ca("example.org").validity(Instant.now().minusSeconds(3600),
        Instant.now().plusSeconds(3600)).issue();
    TestCertificate.Issued admin = TestCertificate.leaf(ServerFixture.ACCESS_ADMIN.toString(), ca)
        .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(3600)).issue();
    SSLContext forged = tls(admin.keyPair(), List.of(admin.certificate(), ca.certificate()));
    assertThatThrownBy(() -> call("GET", "/api/v1/identities", null, forged, null)).isInstanceOf(IOException.class);
  }

  /** HTTP/1.1 requests on one TLS connection that stays open (no new handshake between them). */
  private static final class KeptAlive implements AutoCloseable {
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    KeptAlive(SSLContext tls, int port) throws IOException {
      socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    Answer get(String path) throws IOException {
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String statusLine = line();
      int length = -1;
      boolean chunked = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        String lower = header.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(header.substring(15).strip());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
      if (chunked) {
        for (int size = Integer.parseInt(line().strip(), 16); size > 0; size = Integer.parseInt(line().strip(), 16)) {
          body.write(in.readNBytes(size));
          line();
        }
        line();
      } else if (length > 0) {
        body.write(in.readNBytes(length));
      }
      return new Answer(Integer.parseInt(statusLine.split(" ")[1]), body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed after \"" + line + "\"");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private LocalAuthorityGrpc.LocalAuthorityBlockingStub authorities() {
    return LocalAuthorityGrpc.newBlockingStub(fixture.admin).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /**
   * The finding: a certificate was checked against the current bundle on every request, but a tainted
   * authority still vouched for it, so a suspected-compromised CA kept opening the access API (on open
   * connections and new ones alike) until it was revoked. Now its certificates are refused from the next
   * request on, and a certificate from the new authority is served.
   */
  @Test
  void aKeptAliveConnectionIsRefusedOnItsNextRequestOnceItsAuthorityIsTainted() throws Exception {
    SpiffeId console = ServerFixture.TD.id("/ops/console");
    try (KeptAlive connection = new KeptAlive(withSvid(console), fixture.accessApiPort())) {
      assertThat(connection.get("/api/v1/identities").status()).isEqualTo(200);
      assertThat(connection.get("/api/v1/identities").status()).as("the same connection again").isEqualTo(200);

      String old = authorities().getX509AuthorityState(GetX509AuthorityStateRequest.getDefaultInstance())
          .getActive().getAuthorityId();
      String next = authorities().prepareX509Authority(PrepareX509AuthorityRequest.getDefaultInstance())
          .getPreparedAuthority().getAuthorityId();
      authorities().activateX509Authority(ActivateX509AuthorityRequest.newBuilder().setAuthorityId(next).build());
      assertThat(connection.get("/api/v1/identities").status()).as("rotation alone ends nothing").isEqualTo(200);
      authorities().taintX509Authority(TaintX509AuthorityRequest.newBuilder().setAuthorityId(old).build());

      Answer refused = await().atMost(Duration.ofSeconds(10)).until(() -> connection.get("/api/v1/identities"),
          answer -> answer.status() != 200);
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.body()).contains("tainted authority");
    }
    Answer renewed = call("GET", "/api/v1/identities", null, withSvid(console), null);
    assertThat(renewed.status()).as("an SVID of the new authority: " + renewed.body()).isEqualTo(200);
  }

  /** The same for a bearer token, even one verified (and so cached) before the taint. */
  @Test
  void aBearerTokenSignedByATaintedKeyIsRefusedEvenWhenVerifiedBefore() throws Exception {
    SSLContext anonymous = tls(null, null);
    SpiffeId console = ServerFixture.TD.id("/ops/console");
    String token = tokens.bearer(console, AccessApiClient.AUDIENCE);
    assertThat(call("GET", "/api/v1/identities", null, anonymous, token).status()).isEqualTo(200);

    String old = authorities().getJWTAuthorityState(GetJWTAuthorityStateRequest.getDefaultInstance())
        .getActive().getAuthorityId();
    String next = authorities().prepareJWTAuthority(PrepareJWTAuthorityRequest.getDefaultInstance())
        .getPreparedAuthority().getAuthorityId();
    authorities().activateJWTAuthority(ActivateJWTAuthorityRequest.newBuilder().setAuthorityId(next).build());
    assertThat(call("GET", "/api/v1/identities", null, anonymous, token).status()).isEqualTo(200);
    authorities().taintJWTAuthority(TaintJWTAuthorityRequest.newBuilder().setAuthorityId(old).build());

    Answer refused = await().atMost(Duration.ofSeconds(10)).until(
        () -> call("GET", "/api/v1/identities", null, anonymous, token), answer -> answer.status() != 200);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body()).contains("tainted key");
    assertThat(call("GET", "/api/v1/identities", null, anonymous, tokens.bearer(console, AccessApiClient.AUDIENCE))
        .status()).as("a token of the new key").isEqualTo(200);
  }
}
