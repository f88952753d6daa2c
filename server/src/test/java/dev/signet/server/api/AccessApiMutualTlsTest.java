package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.common.testing.TestCertificate;
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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The access API over HTTPS ({@code access_api { tls = true }}): the server presents its own SVID, an
 * X509-SVID client certificate authenticates the caller without a token, and a certificate from another
 * CA never completes the handshake.
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
}
