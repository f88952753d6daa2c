package dev.signet.server.oidc;

import dev.signet.common.bundle.PemCodec;
import io.helidon.common.tls.Tls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * The HTTPS identity from {@code serving_cert_file}: a PEM chain (leaf first) and its PEM private key, read
 * together so a reload never pairs a new certificate with an old key. The bytes read are kept to tell whether
 * the files changed since. A key that does not match the leaf is refused here rather than at the first
 * handshake.
 */
public final class ServingCertificate {
  private final byte[] certBytes;
  private final byte[] keyBytes;
  private final Tls tls;
  private final X509Certificate leaf;

  private ServingCertificate(byte[] certBytes, byte[] keyBytes, Tls tls, X509Certificate leaf) {
    this.certBytes = certBytes;
    this.keyBytes = keyBytes;
    this.tls = tls;
    this.leaf = leaf;
  }

  /** Reads and checks both files. */
  public static ServingCertificate load(Path certFile, Path keyFile) {
    byte[] cert = read(certFile, "certificate");
    byte[] key = read(keyFile, "key");
    List<X509Certificate> chain = PemCodec.decodeCertificates(new String(cert, java.nio.charset.StandardCharsets.UTF_8));
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("serving certificate file " + certFile + " holds no certificate");
    }
    PrivateKey privateKey = PemCodec.decodePrivateKey(new String(key, java.nio.charset.StandardCharsets.UTF_8));
    requireMatchingKey(chain.getFirst(), privateKey, certFile, keyFile);
    // key and chain, not a prebuilt SSLContext: Helidon's reloadTls swaps these into the running listener
    Tls tls = Tls.builder().privateKey(privateKey).privateKeyCertChain(chain).build();
    return new ServingCertificate(cert, key, tls, chain.getFirst());
  }

  /** Whether the files now hold other bytes than those this certificate was read from. */
  public boolean changed(Path certFile, Path keyFile) {
    return !Arrays.equals(certBytes, read(certFile, "certificate")) || !Arrays.equals(keyBytes, read(keyFile, "key"));
  }

  public Tls tls() {
    return tls;
  }

  public X509Certificate leaf() {
    return leaf;
  }

  /** Signs a probe with the key and verifies it with the leaf's public key (JDK signatures). */
  private static void requireMatchingKey(X509Certificate leaf, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> throw new IllegalArgumentException("serving key " + keyFile + " is a " + key.getAlgorithm()
          + " key; only EC and RSA keys are supported");
    };
    byte[] probe = "signet serving certificate check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new IllegalArgumentException("serving key " + keyFile + " does not belong to the certificate in " + certFile);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("serving key " + keyFile + " does not belong to the certificate in "
          + certFile + ": " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read serving " + what + " file " + file + ": " + e.getMessage(), e);
    }
  }
}
