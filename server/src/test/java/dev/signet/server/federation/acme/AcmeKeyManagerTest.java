package dev.signet.server.federation.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.testing.TestCertificate;
import dev.signet.common.tls.SvidKeyManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real JSSE handshakes against the key manager: who gets the tls-alpn-01 validation certificate, and who not. */
class AcmeKeyManagerTest {
  private static final String DOMAIN = "bundle.example.org";

  private final AcmeKeyManager keys = new AcmeKeyManager();
  private final TestCertificate.Issued served = TestCertificate.ca("example.org").subject("CN=served").issue();
  private final TestCertificate.Issued validation = TestCertificate.ca("example.org").subject("CN=validation").issue();
  private final SSLServerSocket server;

  AcmeKeyManagerTest() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {keys}, null, null);
    server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 10,
        InetAddress.getLoopbackAddress());
    SSLParameters parameters = server.getSSLParameters();
    // as the bundle endpoint's web server offers them: its HTTP protocol and acme-tls/1
    parameters.setApplicationProtocols(new String[] {"http/1.1", AcmeKeyManager.ACME_TLS_1});
    server.setSSLParameters(parameters);
    Thread.ofVirtual().start(this::acceptAll);
  }

  private void acceptAll() {
    while (!server.isClosed()) {
      try {
        Socket accepted = server.accept();
        Thread.ofVirtual().start(() -> {
          try (SSLSocket tls = (SSLSocket) accepted) {
            tls.startHandshake();
          } catch (IOException e) {
            // a refused handshake: the client sees it
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }

  @AfterEach
  void close() throws IOException {
    server.close();
  }

  private static SvidKeyManager.KeyMaterial material(TestCertificate.Issued issued) {
    return new SvidKeyManager.KeyMaterial(issued.keyPair().getPrivate(), List.of(issued.certificate()));
  }

  /** The leaf the server presents to a client offering {@code protocol} for {@code sni}. */
  private X509Certificate presented(String protocol, String sni) throws Exception {
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, new TrustManager[] {new AcceptingTrustManager()}, null);
    try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
        server.getLocalPort())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {protocol});
      parameters.setServerNames(List.of(new SNIHostName(sni)));
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void theValidationCertificateGoesOnlyToAcmeTlsForTheChallengedDomainWhileTheChallengeIsPending() throws Exception {
    assertThatThrownBy(() -> presented("http/1.1", DOMAIN)).as("nothing to serve before the first certificate")
        .isInstanceOf(IOException.class);
    keys.serve(material(served));
    keys.offer(DOMAIN, material(validation));

    assertThat(presented(AcmeKeyManager.ACME_TLS_1, DOMAIN)).isEqualTo(validation.certificate());
    assertThat(presented(AcmeKeyManager.ACME_TLS_1, "BUNDLE.example.org")).isEqualTo(validation.certificate());
    assertThat(presented("http/1.1", DOMAIN)).as("an ordinary client").isEqualTo(served.certificate());
    assertThatThrownBy(() -> presented(AcmeKeyManager.ACME_TLS_1, "other.example.org"))
        .as("acme-tls/1 for a domain without a challenge").isInstanceOf(IOException.class);

    keys.withdraw(DOMAIN);
    assertThatThrownBy(() -> presented(AcmeKeyManager.ACME_TLS_1, DOMAIN)).as("after the challenge")
        .isInstanceOf(IOException.class);
    assertThat(presented("http/1.1", DOMAIN)).isEqualTo(served.certificate());
  }

  @Test
  void aRenewedCertificateIsPresentedFromTheNextHandshakeOn() throws Exception {
    keys.serve(material(served));
    TestCertificate.Issued renewed = TestCertificate.ca("example.org").subject("CN=renewed").issue();
    keys.serve(material(renewed));
    assertThat(presented("http/1.1", DOMAIN)).isEqualTo(renewed.certificate());
    assertThat(keys.current()).hasValueSatisfying(m -> assertThat(m.chain()).containsExactly(renewed.certificate()));
  }

  /** The client side of these handshakes checks nothing: what is presented is the question. */
  private static final class AcceptingTrustManager extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
