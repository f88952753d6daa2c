package dev.signet.common.bundle;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * An X.509 CA certificate that is authoritative for X509-SVIDs of a trust domain.
 *
 * <p>A tainted authority is still trusted: taint only tells the CA and the agents to rotate away from it
 * ahead of its removal, as SPIRE's local authority API does.
 */
public record X509Authority(X509Certificate certificate, boolean tainted) {
  public X509Authority {
    Objects.requireNonNull(certificate, "x509 authority certificate is missing");
  }

  /** An untainted authority. */
  public static X509Authority of(X509Certificate certificate) {
    return new X509Authority(certificate, false);
  }

  /** This authority, marked tainted. */
  public X509Authority taint() {
    return tainted ? this : new X509Authority(certificate, true);
  }

  @Override
  public String toString() {
    return "X509Authority[subject=" + certificate.getSubjectX500Principal().getName()
        + ", serial=" + certificate.getSerialNumber().toString(16)
        + ", notAfter=" + certificate.getNotAfter().toInstant()
        + (tainted ? ", tainted" : "") + "]";
  }
}
