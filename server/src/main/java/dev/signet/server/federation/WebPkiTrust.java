package dev.signet.server.federation;

import dev.signet.common.bundle.BundleFormatException;
import dev.signet.common.bundle.PemCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The Web PKI roots that authenticate {@code https_web} bundle endpoints. Without {@code SSL_CERT_FILE} and
 * {@code SSL_CERT_DIR} in the environment they are the JDK's default trust store (which also honours {@code
 * javax.net.ssl.trustStore}). SPIRE is a Go program and Go reads extra roots from those two variables, so a
 * deployment that points them at a private Web PKI CA (a test CA, a corporate CA) authenticates the same
 * endpoints with Signet: the certificates of the {@code SSL_CERT_FILE} PEM file and of the PEM files in the
 * {@code SSL_CERT_DIR} directories (colon-separated; missing ones skipped) are trusted <em>in addition to</em> the JDK's roots.
 *
 * <p>Security decision: a set but unreadable or certificate-less {@code SSL_CERT_FILE} fails every {@code https_web}
 * fetch with that reason rather than silently trusting less or more than the operator asked for (a server without
 * {@code https_web} relationships never reads it); in a directory, files that hold no PEM
 * certificate are skipped, as Go skips them (certificate directories also hold CRLs and hash links). Go's
 * {@code SSL_CERT_DIR} replaces the system directory where ours adds to the JDK's roots: removing public roots
 * is done with {@code javax.net.ssl.trustStore}.
 */
public final class WebPkiTrust {
  static final String CERT_FILE = "SSL_CERT_FILE";
  static final String CERT_DIR = "SSL_CERT_DIR";

  private WebPkiTrust() {}

  /**
   * The TLS context for {@code https_web} endpoints, read from {@code environment} on first use and kept once read;
   * a failure (IllegalArgumentException naming the variable) is thrown to that caller and retried on the next.
   */
  public static Supplier<SSLContext> lazily(Map<String, String> environment) {
    Map<String, String> copy = Map.copyOf(environment);
    AtomicReference<SSLContext> read = new AtomicReference<>();
    return () -> {
      SSLContext context = read.get();
      if (context == null) {
        context = sslContext(copy);
        read.compareAndSet(null, context);
      }
      return context;
    };
  }

  /** The TLS context for {@code https_web} endpoints given this process environment. */
  public static SSLContext sslContext(Map<String, String> environment) {
    List<X509Certificate> extra = extraRoots(environment);
    try {
      if (extra.isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      List<X509Certificate> all = new ArrayList<>(List.of(jdkRoots()));
      all.addAll(extra);
      for (int i = 0; i < all.size(); i++) {
        anchors.setCertificateEntry("root-" + i, all.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("tls trust store is not available", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The certificates {@code SSL_CERT_FILE} and {@code SSL_CERT_DIR} name (empty when neither is set). */
  static List<X509Certificate> extraRoots(Map<String, String> environment) {
    List<X509Certificate> roots = new ArrayList<>();
    String file = environment.getOrDefault(CERT_FILE, "");
    if (!file.isBlank()) {
      try {
        roots.addAll(PemCodec.decodeCertificates(Files.readString(Path.of(file), StandardCharsets.UTF_8)));
      } catch (IOException | BundleFormatException e) {
        throw new IllegalArgumentException(CERT_FILE + " \"" + file + "\" holds no readable pem certificates: "
            + e.getMessage(), e);
      }
    }
    for (String dir : environment.getOrDefault(CERT_DIR, "").split(":")) {
      if (!dir.isBlank() && Files.isDirectory(Path.of(dir))) { // a missing directory is skipped, as in Go
        roots.addAll(directoryRoots(Path.of(dir)));
      }
    }
    return List.copyOf(roots);
  }

  private static List<X509Certificate> directoryRoots(Path dir) {
    List<X509Certificate> roots = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        try {
          roots.addAll(PemCodec.decodeCertificates(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException | BundleFormatException | UncheckedIOException e) {
          // not a PEM certificate file (a CRL, a key, binary data): skipped, as Go's crypto/x509 skips it
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(CERT_DIR + " directory \"" + dir + "\" cannot be listed: " + e.getMessage(),
          e);
    }
    return roots;
  }

  private static X509Certificate[] jdkRoots() throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    throw new GeneralSecurityException("the jdk has no x509 trust manager");
  }
}
