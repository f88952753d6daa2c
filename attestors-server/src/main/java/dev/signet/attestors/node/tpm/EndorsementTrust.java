package dev.signet.attestors.node.tpm;

import dev.signet.attestors.node.AttestationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides whether an EK belongs to a TPM we trust: its certificate chains to a configured manufacturer CA
 * ({@code ca_path}), or the hash of its public key is on the allow-list ({@code ek_hashes}, or the names of
 * the files in the {@code hash_path} directory, read on every attestation so that adding a node needs no
 * restart). Every certificate in {@code ca_path} is a trust anchor, as in SPIRE's TPM plugin: the
 * manufacturers' intermediates belong there too, since EK certificates come without their chain.
 */
final class EndorsementTrust {
  private final Set<TrustAnchor> anchors;
  private final Set<String> hashes;
  private final Path hashPath;
  private final Clock clock;

  EndorsementTrust(List<X509Certificate> cas, Set<String> hashes, Path hashPath, Clock clock) {
    this.anchors = cas.stream().map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toUnmodifiableSet());
    this.hashes = hashes.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    this.hashPath = hashPath;
    this.clock = clock;
  }

  /** The certificate if it is what vouches for the EK; empty when the EK is trusted by its hash alone. */
  Optional<X509Certificate> verify(TpmPublicArea ek, Optional<X509Certificate> certificate) {
    if (certificate.isPresent() && !anchors.isEmpty()) {
      X509Certificate cert = certificate.get();
      if (!cert.getPublicKey().equals(ek.key())) {
        throw AttestationException.denied(TpmProtocol.NAME + ": the EK certificate is not for the EK sent");
      }
      String chainFailure = chainFailure(cert);
      if (chainFailure == null) {
        return certificate;
      }
      if (!hashAllowed(ek.publicKeyHash())) {
        throw AttestationException.denied(TpmProtocol.NAME + ": EK certificate does not chain to a configured CA ("
            + chainFailure + ") and EK hash " + ek.publicKeyHash() + " is not allowed");
      }
      return Optional.empty();
    }
    if (!hashAllowed(ek.publicKeyHash())) {
      throw AttestationException.denied(TpmProtocol.NAME + ": EK hash " + ek.publicKeyHash() + " is not allowed"
          + (anchors.isEmpty() ? "" : " and the TPM sent no EK certificate"));
    }
    return Optional.empty();
  }

  static X509Certificate parseCertificate(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": malformed EK certificate: " + e.getMessage());
    }
  }

  private String chainFailure(X509Certificate cert) {
    try {
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(clock.instant()));
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
      return null;
    } catch (CertPathValidatorException e) {
      return e.getMessage();
    } catch (GeneralSecurityException e) {
      throw AttestationException.invalid(TpmProtocol.NAME + ": EK certificate cannot be checked: " + e.getMessage());
    }
  }

  private boolean hashAllowed(String hash) {
    if (hashes.contains(hash)) {
      return true;
    }
    if (hashPath == null) {
      return false;
    }
    // Exact file names only: the hash is hex, so it cannot walk out of the directory.
    try (Stream<Path> files = Files.list(hashPath)) {
      return files.anyMatch(file -> file.getFileName().toString().equalsIgnoreCase(hash));
    } catch (IOException e) {
      throw new AttestationException(AttestationException.Kind.INTERNAL, TpmProtocol.NAME + ": cannot list hash_path "
          + hashPath + ": " + e.getMessage(), e);
    }
  }
}
