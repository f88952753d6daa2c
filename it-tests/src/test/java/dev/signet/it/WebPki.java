package dev.signet.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private Web PKI made by openssl in a directory, standing in for a public CA: a root CA and a TLS serving
 * certificate for {@code 127.0.0.1} and {@code localhost} (EC P-256, {@code serverAuth}, key as PKCS#8), for
 * {@code https_web} bundle endpoints and the OIDC discovery provider. Clients trust the root through
 * {@code SSL_CERT_FILE}, as Go programs (SPIRE) and signet-server read it, or through {@link #clientContext()}.
 */
final class WebPki {
  private final Path dir;

  WebPki(Path dir) {
    this.dir = dir;
    Path ext = dir.resolve("ext.cnf");
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
          [serving]
          basicConstraints = critical, CA:false
          keyUsage = critical, digitalSignature
          extendedKeyUsage = serverAuth
          subjectAltName = IP:127.0.0.1, DNS:localhost
          subjectKeyIdentifier = hash
          authorityKeyIdentifier = keyid
          """);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    OpenSsl.run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("root.key"));
    OpenSsl.run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path("serving.sec1.key"));
    OpenSsl.run("pkcs8", "-topk8", "-nocrypt", "-in", path("serving.sec1.key"), "-out", path("serving.key"));
    OpenSsl.run("req", "-x509", "-new", "-key", path("root.key"), "-subj", "/O=Test Web PKI/CN=Test Web Root", "-days",
        "2", "-config", ext.toString(), "-extensions", "ca", "-out", path("root.crt"));
    OpenSsl.run("req", "-new", "-key", path("serving.key"), "-subj", "/O=Test Web PKI/CN=127.0.0.1", "-config",
        ext.toString(), "-out", path("serving.csr"));
    OpenSsl.run("x509", "-req", "-in", path("serving.csr"), "-CA", path("root.crt"), "-CAkey", path("root.key"),
        "-CAcreateserial", "-days", "1", "-extfile", ext.toString(), "-extensions", "serving", "-out",
        path("serving.crt"));
  }

  /** The root CA certificate (PEM), what {@code SSL_CERT_FILE} names. */
  String rootCertificate() {
    return path("root.crt");
  }

  String servingCertificate() {
    return path("serving.crt");
  }

  String servingKey() {
    return path("serving.key");
  }

  /** TLS that trusts this root only. */
  SSLContext clientContext() {
    try (InputStream in = Files.newInputStream(Path.of(rootCertificate()))) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("root", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust the test web root", e);
    }
  }

  private String path(String file) {
    return dir.resolve(file).toString();
  }
}
