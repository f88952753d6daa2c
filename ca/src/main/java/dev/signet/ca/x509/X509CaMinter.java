package dev.signet.ca.x509;

import dev.signet.ca.crypto.IndependentCheck;

import dev.signet.ca.CaRandom;
import dev.signet.common.spiffe.TrustDomain;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;

/**
 * Mints X.509 CA certificates with SPIRE's CA profile: subject {@code ca_subject} plus a serialNumber
 * attribute equal to the certificate serial, exactly one URI SAN {@code spiffe://<trust domain>}, basic
 * constraints CA:true (critical), key usage keyCertSign|cRLSign (critical), SKI, AKI when signed by another
 * CA, NotBefore = now − 10 s, NotAfter = now + ttl capped at the issuer's NotAfter. Every CA certificate is
 * verified by a second provider before it is returned ({@link IndependentCheck}).
 */
public final class X509CaMinter {
  /** SPIRE's default {@code ca_subject}. */
  public static final String DEFAULT_SUBJECT = "O=SPIFFE,C=US";
  /** SPIRE's default {@code ca_ttl}. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  private X509CaMinter() {}

  /** A self-signed root CA for {@code trustDomain}. */
  public static X509Certificate selfSigned(PublicKey publicKey, PrivateKey privateKey, TrustDomain trustDomain,
      String subject, Duration ttl, Instant now) {
    return mint(publicKey, trustDomain, subject, ttl, now, null, privateKey, publicKey, null, null);
  }

  /** An intermediate CA for {@code trustDomain} signed by {@code issuer} (whose key is {@code issuerKey}). */
  public static X509Certificate signedBy(PublicKey publicKey, TrustDomain trustDomain, String subject, Duration ttl,
      Instant now, X509Certificate issuer, PrivateKey issuerKey) {
    return mint(publicKey, trustDomain, subject, ttl, now, Certificates.subjectOf(issuer), issuerKey,
        issuer.getPublicKey(),
        Certificates.subjectKeyId(issuer.getPublicKey()), issuer.getNotAfter().toInstant());
  }

  private static X509Certificate mint(PublicKey publicKey, TrustDomain trustDomain, String subject, Duration ttl,
      Instant now, X500Name issuerName, PrivateKey signingKey, PublicKey issuerPublicKey, byte[] issuerKeyId,
      Instant cap) {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ca ttl " + ttl + " must be positive");
    }
    BigInteger serial = CaRandom.serialNumber();
    X500Name subjectName = Certificates.caSubject(subject == null || subject.isEmpty() ? DEFAULT_SUBJECT : subject,
        serial.toString());
    Instant notAfter = now.plus(ttl);
    if (cap != null && notAfter.isAfter(cap)) {
      notAfter = cap;
    }
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuerName == null ? subjectName : issuerName,
        serial, Date.from(now.minus(X509SvidMinter.NOT_BEFORE_CUSHION)), Date.from(notAfter), subjectName,
        SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()));
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          new SubjectKeyIdentifier(Certificates.subjectKeyId(publicKey)));
      if (issuerKeyId != null) {
        builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuerKeyId));
      }
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName(GeneralName.uniformResourceIdentifier, trustDomain.idString())));
    } catch (CertIOException e) {
      throw new IllegalStateException("ca extensions cannot be encoded: " + e.getMessage(), e);
    }
    X509Certificate certificate = Certificates.toCertificate(builder.build(Certificates.signer(signingKey,
        Certificates.signatureAlgorithm(signingKey))));
    IndependentCheck.verify(certificate, issuerPublicKey);
    return certificate;
  }
}
