package dev.signet.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and an HTTPS serving certificate for {@code localhost} (EC P-256, serverAuth, SAN DNS:localhost
 * and IP:127.0.0.1) made by openssl in a directory, and an {@link SSLContext} that trusts only that CA.
 */
final class ServingTlsPki {
  private final Path dir;
  private final String openssl = Distribution.requireTool("openssl");

  ServingTlsPki(Path dir) {
    this.dir = dir;
    Path ext = dir.resolve("tls-ext.cnf");
    try {
      Files.createDirectories(dir);
      Files.writeString(ext, """
          [req]
          distinguished_name = dn
          prompt = no
          [dn]
          [ca]
          basicConstraints = critical, CA:true
          keyUsage = critical, keyCertSign, cRLSign
          subjectKeyIdentifier = hash
          authorityKeyIdentifier = keyid
          [server]
          basicConstraints = critical, CA:false
          keyUsage = critical, digitalSignature
          extendedKeyUsage = serverAuth
          subjectAltName = DNS:localhost, IP:127.0.0.1
          subjectKeyIdentifier = hash
          authorityKeyIdentifier = keyid
          """);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("tls-ca.key"));
    openssl("req", "-x509", "-new", "-key", path("tls-ca.key"), "-subj", "/O=Signet Test/CN=OIDC Test CA", "-days",
        "2", "-config", ext.toString(), "-extensions", "ca", "-out", path("tls-ca.crt"));
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("tls.key"));
    openssl("req", "-new", "-key", path("tls.key"), "-subj", "/CN=localhost", "-config", ext.toString(),
        "-out", path("tls.csr"));
    openssl("x509", "-req", "-in", path("tls.csr"), "-CA", path("tls-ca.crt"), "-CAkey", path("tls-ca.key"),
        "-CAcreateserial", "-days", "1", "-extfile", ext.toString(), "-extensions", "server", "-out", path("tls.crt"));
  }

  Path caCertificate() {
    return dir.resolve("tls-ca.crt");
  }

  Path certificate() {
    return dir.resolve("tls.crt");
  }

  Path key() {
    return dir.resolve("tls.key");
  }

  /** TLS that trusts this CA only. */
  SSLContext clientContext() {
    try (InputStream in = Files.newInputStream(caCertificate())) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust the test ca", e);
    }
  }

  private String path(String file) {
    return dir.resolve(file).toString();
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of(openssl));
    command.addAll(List.of(args));
    Distribution.run(Duration.ofSeconds(30), command).requireOk();
  }
}
