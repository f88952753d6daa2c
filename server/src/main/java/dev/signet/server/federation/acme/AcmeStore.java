package dev.signet.server.federation.acme;

import dev.signet.ca.CaException;
import dev.signet.ca.x509.CredentialValidator;
import dev.signet.common.bundle.BundleFormatException;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.files.AtomicFiles;
import dev.signet.common.files.OwnerOnly;
import dev.signet.common.tls.SvidKeyManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Optional;

/**
 * What the ACME bundle endpoint keeps in {@code <data_dir>/bundle-acme} (the directory SPIRE uses): the ACME
 * account's key pair ({@code account.key}, {@code account.pub}) and the certificate served for the domain with its
 * key ({@code <domain>.crt}, {@code <domain>.key}). The directory is 0700 and every file 0600, written atomically.
 *
 * <p>Security decision: the account key is what the ACME CA knows this server by; it is made once and reused, so a
 * restart neither registers a new account nor needs the CA to be reachable while a stored certificate is still
 * good. A certificate whose key does not match (a crash between the two writes) is treated as absent and ordered
 * again, never served.
 */
public final class AcmeStore {
  /** The directory under {@code data_dir}, SPIRE's name for it. */
  public static final String DIRECTORY = "bundle-acme";

  private final Path directory;

  private AcmeStore(Path directory) {
    this.directory = directory;
  }

  /** The store under {@code dataDir}; nothing is created until something is saved. */
  public static AcmeStore in(Path dataDir) {
    return new AcmeStore(dataDir.resolve(DIRECTORY));
  }

  Path directory() {
    return directory;
  }

  /** The stored account key pair, or a new EC P-256 one saved now. */
  public KeyPair accountKey() throws IOException {
    Path privateFile = directory.resolve("account.key");
    Path publicFile = directory.resolve("account.pub");
    if (Files.exists(privateFile) && Files.exists(publicFile)) {
      try {
        return new KeyPair(PemCodec.decodePublicKey(Files.readString(publicFile, StandardCharsets.US_ASCII)),
            PemCodec.decodePrivateKey(Files.readString(privateFile, StandardCharsets.US_ASCII)));
      } catch (BundleFormatException e) {
        throw new IOException("acme account key in \"" + directory + "\" is unreadable: " + e.getMessage(), e);
      }
    }
    KeyPair fresh = AcmeOrders.ecP256();
    OwnerOnly.createDirectories(directory);
    AtomicFiles.write(privateFile, PemCodec.encodePrivateKey(fresh.getPrivate()).getBytes(StandardCharsets.US_ASCII));
    AtomicFiles.write(publicFile, PemCodec.encodePublicKey(fresh.getPublic()).getBytes(StandardCharsets.US_ASCII));
    return fresh;
  }

  /** The stored certificate and key for {@code domain}, when both are there and belong together. */
  public Optional<SvidKeyManager.KeyMaterial> certificate(String domain) throws IOException {
    Path keyFile = directory.resolve(domain + ".key");
    Path certFile = directory.resolve(domain + ".crt");
    if (!Files.exists(keyFile) || !Files.exists(certFile)) {
      return Optional.empty();
    }
    try {
      SvidKeyManager.KeyMaterial material = new SvidKeyManager.KeyMaterial(
          PemCodec.decodePrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII)),
          PemCodec.decodeCertificates(Files.readString(certFile, StandardCharsets.US_ASCII)));
      CredentialValidator.validateKeyPair(material.chain().getFirst().getPublicKey(), material.privateKey());
      return Optional.of(material);
    } catch (BundleFormatException | CaException e) {
      return Optional.empty();
    }
  }

  /** Saves {@code material} as the certificate for {@code domain}, replacing the previous one. */
  public void saveCertificate(String domain, SvidKeyManager.KeyMaterial material) throws IOException {
    OwnerOnly.createDirectories(directory);
    AtomicFiles.write(directory.resolve(domain + ".key"),
        PemCodec.encodePrivateKey(material.privateKey()).getBytes(StandardCharsets.US_ASCII));
    AtomicFiles.write(directory.resolve(domain + ".crt"),
        PemCodec.encodeCertificates(material.chain()).getBytes(StandardCharsets.US_ASCII));
  }
}
