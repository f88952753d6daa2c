package dev.signet.attestors.node.k8s;

import dev.signet.common.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads {@code service_account_key_file} as SPIRE does: every {@code PUBLIC KEY}, {@code RSA PUBLIC KEY} and
 * {@code CERTIFICATE} block of the PEM file gives a key (RSA or EC); other blocks are skipped, so the file
 * may be the API server's {@code --service-account-key-file} as it is. A file without a key is an error.
 */
final class ServiceAccountKeys {
  private ServiceAccountKeys() {}

  static List<PublicKey> load(String cluster, String file) {
    String where = "cluster \"" + cluster
        + "\": service_account_key_file " + file;
    List<PublicKey> keys = new ArrayList<>();
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (Reader reader = Files.newBufferedReader(Path.of(file)); PEMParser parser = new PEMParser(reader)) {
      for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
        SubjectPublicKeyInfo info = switch (block) {
          case SubjectPublicKeyInfo key -> key;
          case X509CertificateHolder certificate -> certificate.getSubjectPublicKeyInfo();
          default -> null;
        };
        if (info != null) {
          PublicKey key = converter.getPublicKey(info);
          if (!(key instanceof RSAPublicKey) && !(key instanceof ECPublicKey)) {
            throw new ConfigException(where + ": unsupported " + key.getAlgorithm() + " key (RSA or EC only)");
          }
          keys.add(key);
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(where + ": cannot be read: " + e.getMessage());
    }
    if (keys.isEmpty()) {
      throw new ConfigException(where + ": has no public keys");
    }
    return List.copyOf(keys);
  }
}
