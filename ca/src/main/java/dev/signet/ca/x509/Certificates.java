package dev.signet.ca.x509;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.util.HexFormat;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import dev.signet.common.crypto.CryptoProviders;
import java.security.Provider;
import dev.signet.ca.CaRandom;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Small X.509 helpers shared by the CA and SVID minters. */
public final class Certificates {
  private Certificates() {}

  /**
   * The subject key identifier of RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bit string,
   * which is what SPIRE (and Go's x509 package) put in SKI and AKI.
   */
  public static byte[] subjectKeyId(PublicKey key) {
    return subjectKeyId(SubjectPublicKeyInfo.getInstance(key.getEncoded()));
  }

  /** {@link #subjectKeyId(PublicKey)} of a key already parsed. */
  static byte[] subjectKeyId(SubjectPublicKeyInfo key) {
    byte[] bits = key.getPublicKeyData().getBytes();
    try {
      return MessageDigest.getInstance("SHA-1").digest(bits);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }

  /** SPIRE's authority ID: the lower-case hex of a subject key identifier. */
  public static String authorityId(byte[] subjectKeyId) {
    return HexFormat.of().formatHex(subjectKeyId);
  }

  /** The signature algorithm Go's x509 picks for a signer: ECDSA with the curve's hash, else SHA256withRSA. */
  static String signatureAlgorithm(PrivateKey key) {
    if (key instanceof ECKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    if (key.getAlgorithm().equals("RSA")) {
      return "SHA256withRSA";
    }
    throw new IllegalArgumentException("cannot sign certificates with a " + key.getAlgorithm() + " key");
  }

  /**
   * {@code key} as the signing provider's own key object when it is an extractable key from another
   * provider (a key parsed from PKCS#8 by the JDK, say), converted once here instead of on every signature.
   * Keys that cannot be exported (a hardware key manager) are used as they are.
   */
  static PrivateKey forSigning(PrivateKey key) {
    Provider provider = CryptoProviders.signing();
    if (key.getEncoded() == null || !(key instanceof ECKey || key.getAlgorithm().equals("RSA"))) {
      return key;
    }
    try {
      return KeyFactory.getInstance(key instanceof ECKey ? "EC" : "RSA", provider)
          .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      return key;
    }
  }

  /**
   * A content signer for {@code key} on the provider {@link CryptoProviders} chose, drawing nonces from the
   * shared random. One per signature (it holds a {@code Signature}, which is not thread-safe).
   */
  static ContentSigner signer(PrivateKey key, String algorithm) {
    try {
      return new JcaContentSignerBuilder(algorithm).setProvider(CryptoProviders.signing())
          .setSecureRandom(CaRandom.get()).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with " + algorithm + ": " + e.getMessage(), e);
    }
  }

  private static final ThreadLocal<CertificateFactory> X509_FACTORY = ThreadLocal.withInitial(() -> {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
  });

  /** Converts BouncyCastle's holder to a JDK certificate. */
  static X509Certificate toCertificate(X509CertificateHolder holder) {
    try {
      return parse(holder.getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException("a certificate we built cannot be encoded: " + e.getMessage(), e);
    }
  }

  /** A certificate we built, parsed by the JDK (a factory per thread: looking one up costs a provider search). */
  static X509Certificate parse(byte[] der) {
    try {
      return (X509Certificate) X509_FACTORY.get().generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalStateException("a certificate we built cannot be parsed: " + e.getMessage(), e);
    }
  }

  /**
   * Parses an RFC 4514 name ({@code O=SPIFFE,C=US}, most significant last, as {@code ca_subject} is
   * rendered) into DER order, optionally appending a serialNumber attribute as SPIRE does for CA subjects.
   */
  static X500Name caSubject(String rfc4514, String serialNumber) {
    X500Name parsed = X500Name.getInstance(new X500Principal(rfc4514).getEncoded());
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
    for (RDN rdn : parsed.getRDNs()) {
      builder.addMultiValuedRDN(rdn.getTypesAndValues());
    }
    if (serialNumber != null && parsed.getRDNs(BCStyle.SERIALNUMBER).length == 0) {
      builder.addRDN(BCStyle.SERIALNUMBER, serialNumber);
    }
    return builder.build();
  }

  /** The certificate's subject as BouncyCastle's name, keeping its exact DER. */
  static X500Name subjectOf(X509Certificate certificate) {
    return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
  }
}
