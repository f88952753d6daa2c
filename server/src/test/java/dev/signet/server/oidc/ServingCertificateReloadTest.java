package dev.signet.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.HclDocument;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.testing.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from {@code serving_cert_file}, and the listener's certificate swapped when the files change. */
class ServingCertificateReloadTest {
  @TempDir
  Path dir;

  private static TestCertificate.Issued selfSigned(String cn) {
    Instant now = Instant.now();
    return TestCertificate.ca("example.org").subject("CN=" + cn).dnsNames("localhost")
        .validity(now.minusSeconds(3600), now.plusSeconds(3600)).issue();
  }

  private void write(TestCertificate.Issued issued) throws Exception {
    Files.writeString(dir.resolve("cert.pem"), PemCodec.encodeCertificate(issued.certificate()));
    Files.writeString(dir.resolve("key.pem"), PemCodec.encodePrivateKey(issued.keyPair().getPrivate()));
  }

  private static String servedSubject(int port, X509Certificate... trusted) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    for (int i = 0; i < trusted.length; i++) {
      store.setCertificateEntry("t" + i, trusted[i]);
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
  }

  @Test
  void theListenerServesTheNewCertificateAfterTheFilesChange() throws Exception {
    TestCertificate.Issued first = selfSigned("first");
    TestCertificate.Issued second = selfSigned("second");
    write(first);
    OidcConfig config = OidcConfigLoader.parse(HclDocument.parse("""
        domains = ["localhost"]
        serving_cert_file {
          cert_file_path = "%s"
          key_file_path = "%s"
          addr = "127.0.0.1:0"
          file_sync_interval = "1h"
        }
        server_api { address = "unix:///nonexistent.sock" }
        """.formatted(dir.resolve("cert.pem"), dir.resolve("key.pem"))));
    FakeKeySource source = new FakeKeySource();
    source.publish(JwtAuthority.of("k", KeyType.EC_P256.generate().getPublic()));
    try (OidcDiscoveryServer server = OidcDiscoveryServer.start(config, source, Clock.systemUTC())) {
      assertThat(servedSubject(server.port(), first.certificate(), second.certificate())).isEqualTo("CN=first");

      Files.writeString(dir.resolve("cert.pem"), "half-written");
      server.reloadIfChanged(config.servingCert()); // unusable: the current certificate stays
      assertThat(servedSubject(server.port(), first.certificate(), second.certificate())).isEqualTo("CN=first");

      write(second);
      server.reloadIfChanged(config.servingCert());
      assertThat(servedSubject(server.port(), first.certificate(), second.certificate())).isEqualTo("CN=second");
    }
  }

  @Test
  void aKeyThatIsNotPemIsRefusedAtStart() throws Exception {
    write(selfSigned("x"));
    Files.writeString(dir.resolve("key.pem"), "not a key");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> ServingCertificate.load(dir.resolve("cert.pem"), dir.resolve("key.pem")))
        .isInstanceOf(IllegalArgumentException.class);
  }

}
