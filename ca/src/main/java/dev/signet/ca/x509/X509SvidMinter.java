package dev.signet.ca.x509;

import dev.signet.ca.CaRandom;
import dev.signet.common.spiffe.SpiffeId;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;

/**
 * Mints X509-SVIDs with SPIRE's workload profile: subject C=US, O=SPIRE (plus CN = the first DNS name),
 * exactly one URI SAN (the SPIFFE ID) then the DNS SANs, key usage digitalSignature|keyEncipherment|
 * keyAgreement (critical), EKU serverAuth+clientAuth, basic constraints CA:false (critical), SKI and AKI,
 * NotBefore = now − 10 s (clock skew), NotAfter = min(now + ttl, CA NotAfter), a random positive 128-bit
 * serial. The caller has already decided the ID and DNS names (from the registration entry).
 */
public final class X509SvidMinter {
  /** How far NotBefore is backdated to absorb clock skew (SPIRE's NotBeforeCushion). */
  public static final Duration NOT_BEFORE_CUSHION = Duration.ofSeconds(10);
  private static final X500Name DEFAULT_SUBJECT = subject(null);
  private static final Extension KEY_USAGE = extension(Extension.keyUsage, true,
      new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
  private static final Extension EXTENDED_KEY_USAGE = extension(Extension.extendedKeyUsage, false,
      new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
  private static final Extension NOT_A_CA = extension(Extension.basicConstraints, true, new BasicConstraints(false));

  private X509SvidMinter() {}

  /**
   * Signs an X509-SVID for {@code publicKey} with {@code authority}.
   *
   * @throws IllegalArgumentException when the ID is not a workload ID of the CA's trust domain, the TTL is
   *     not positive, or the CA has expired
   */
  public static X509Certificate mint(X509SigningAuthority authority, PublicKey publicKey, SpiffeId id,
      List<String> dnsNames, Duration ttl, Instant now) {
    return mint(authority, publicKey, id, dnsNames, ttl, now, authority.contentSigner());
  }

  /** {@link #mint} with a given signer (tests compare signers). */
  static X509Certificate mint(X509SigningAuthority authority, PublicKey publicKey, SpiffeId id,
      List<String> dnsNames, Duration ttl, Instant now, ContentSigner signer) {
    if (!id.memberOf(authority.trustDomain()) || id.isTrustDomainId()) {
      throw new IllegalArgumentException("x509-svid id \"" + id + "\" is not a workload id of trust domain \""
          + authority.trustDomain() + "\"");
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("x509-svid ttl " + ttl + " must be positive");
    }
    Instant notAfter = now.plus(ttl);
    if (notAfter.isAfter(authority.notAfter())) {
      notAfter = authority.notAfter();
    }
    if (!notAfter.isAfter(now)) {
      throw new IllegalArgumentException("x509 authority " + authority.authorityId() + " expired at "
          + authority.notAfter());
    }
    SubjectPublicKeyInfo subjectKey = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(authority.subjectName(), CaRandom.serialNumber(),
        Certificates.time(now.minus(NOT_BEFORE_CUSHION)), Certificates.time(notAfter),
        dnsNames.isEmpty() ? DEFAULT_SUBJECT : subject(dnsNames.getFirst()), subjectKey);
    GeneralName[] names = new GeneralName[1 + dnsNames.size()];
    names[0] = new GeneralName(GeneralName.uniformResourceIdentifier, id.toString());
    for (int i = 0; i < dnsNames.size(); i++) {
      names[i + 1] = new GeneralName(GeneralName.dNSName, dnsNames.get(i));
    }
    try {
      builder.addExtension(KEY_USAGE);
      builder.addExtension(EXTENDED_KEY_USAGE);
      builder.addExtension(NOT_A_CA);
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          new SubjectKeyIdentifier(Certificates.subjectKeyId(subjectKey)));
      builder.addExtension(authority.authorityKeyIdExtension());
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    } catch (CertIOException e) {
      throw new IllegalStateException("x509-svid extensions cannot be encoded: " + e.getMessage(), e);
    }
    return Certificates.toCertificate(builder.build(signer));
  }

  private static X500Name subject(String commonName) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "US").addRDN(BCStyle.O, "SPIRE");
    if (commonName != null) {
      builder.addRDN(BCStyle.CN, commonName);
    }
    return builder.build();
  }

  /** An extension with its value DER-encoded once (the constant ones, and the CA's AKI). */
  static Extension extension(org.bouncycastle.asn1.ASN1ObjectIdentifier oid, boolean critical,
      ASN1Encodable value) {
    try {
      return new Extension(oid, critical, value.toASN1Primitive().getEncoded());
    } catch (java.io.IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
