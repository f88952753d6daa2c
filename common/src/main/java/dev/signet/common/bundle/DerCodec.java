package dev.signet.common.bundle;

import dev.signet.common.crypto.EncodedKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * DER forms as the Workload API and SPIRE's protos carry them: certificates as one byte string of
 * concatenated DER certificates, private keys as PKCS#8 DER.
 */
public final class DerCodec {
  private DerCodec() {}

  /** Parses concatenated DER certificates (leaf first, as sent); refuses an empty or malformed input. */
  public static List<X509Certificate> parseCertificates(byte[] der) {
    if (der == null || der.length == 0) {
      throw new BundleFormatException("no DER certificates found (the input is empty)");
    }
    List<X509Certificate> certificates = new ArrayList<>();
    ByteArrayInputStream in = new ByteArrayInputStream(der);
    while (in.available() > 0) {
      int offset = der.length - in.available();
      try {
        certificates.add((X509Certificate) factory().generateCertificate(in));
      } catch (CertificateException e) {
        throw new BundleFormatException("DER certificate " + certificates.size() + " at byte " + offset
            + " is malformed: " + e.getMessage(), e);
      }
    }
    return List.copyOf(certificates);
  }

  /** Parses exactly one DER certificate. */
  public static X509Certificate parseCertificate(byte[] der) {
    List<X509Certificate> certificates = parseCertificates(der);
    if (certificates.size() != 1) {
      throw new BundleFormatException("expected one DER certificate, found " + certificates.size());
    }
    return certificates.getFirst();
  }

  /** Concatenates the certificates' DER encodings, in order. */
  public static byte[] concat(Collection<X509Certificate> certificates) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (X509Certificate certificate : certificates) {
      out.writeBytes(encoded(certificate));
    }
    return out.toByteArray();
  }

  /** The certificate's DER encoding. */
  public static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate " + certificate.getSubjectX500Principal().getName()
          + " cannot be DER-encoded", e);
    }
  }

  /** Parses a PKCS#8 DER private key (the Workload API's {@code x509_svid_key}). */
  public static PrivateKey parsePrivateKey(byte[] pkcs8) {
    if (pkcs8 == null || pkcs8.length == 0) {
      throw new BundleFormatException("no PKCS#8 private key found (the input is empty)");
    }
    try {
      return EncodedKeys.privateKey(pkcs8);
    } catch (IllegalArgumentException e) {
      throw new BundleFormatException(e.getMessage(), e);
    }
  }

  static CertificateFactory factory() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
  }
}
