package dev.signet.ca.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.X509SvidValidator;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;

class X509SvidMinterTest {
  static final TrustDomain TD = TrustDomain.parse("example.org");
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  static final SpiffeId ID = SpiffeId.parse("spiffe://example.org/workload");

  static X509SigningAuthority selfSignedCa(KeyType type, Duration ttl) {
    KeyPair key = type.generate();
    return X509SigningAuthority.selfSigned(
        X509CaMinter.selfSigned(key.getPublic(), key.getPrivate(), TD, X509CaMinter.DEFAULT_SUBJECT, ttl, NOW),
        key.getPrivate());
  }

  @Test
  void theSvidHasSpiresProfileFieldByField() throws Exception {
    X509SigningAuthority ca = selfSignedCa(KeyType.EC_P256, Duration.ofHours(24));
    KeyPair workload = KeyType.EC_P256.generate();

    X509Certificate svid = X509SvidMinter.mint(ca, workload.getPublic(), ID, List.of("w.example.org", "x.example.org"),
        Duration.ofHours(1), NOW);

    assertThat(svid.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=w.example.org,O=SPIRE,C=US"));
    assertThat(svid.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(svid.getSubjectAlternativeNames()).containsExactly(List.of(6, ID.toString()),
        List.of(2, "w.example.org"), List.of(2, "x.example.org"));
    assertThat(svid.getKeyUsage()).startsWith(true, false, true, false, true, false, false);
    assertThat(svid.getCriticalExtensionOIDs()).contains(Extension.keyUsage.getId(), Extension.basicConstraints.getId());
    assertThat(svid.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(svid.getBasicConstraints()).isEqualTo(-1);
    assertThat(svid.getExtensionValue(Extension.basicConstraints.getId())).isNotNull();
    assertThat(svid.getNotBefore().toInstant()).isEqualTo(NOW.minusSeconds(10));
    assertThat(svid.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(svid.getSerialNumber().signum()).isPositive();
    assertThat(svid.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    assertThat(svid.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(svid.getPublicKey().getEncoded()).isEqualTo(workload.getPublic().getEncoded());
    assertThat(keyId(svid, Extension.subjectKeyIdentifier)).isEqualTo(Certificates.subjectKeyId(workload.getPublic()));
    assertThat(AuthorityKeyIdentifier.getInstance(extension(svid, Extension.authorityKeyIdentifier))
        .getKeyIdentifierOctets()).isEqualTo(ca.subjectKeyId());
    svid.verify(ca.publicKey());

    assertThat(X509SvidValidator.verify(List.of(svid), BundleSource.of(Bundle.ofX509(TD, List.of(ca.certificate()))),
        NOW)).isEqualTo(ID);
    CredentialValidator.validateX509Svid(svid, ca, ID);
  }

  @Test
  void withoutDnsNamesTheSubjectIsJustSpire() {
    X509SigningAuthority ca = selfSignedCa(KeyType.EC_P256, Duration.ofHours(24));
    X509Certificate svid = X509SvidMinter.mint(ca, KeyType.EC_P256.generate().getPublic(), ID, List.of(),
        Duration.ofHours(1), NOW);
    assertThat(svid.getSubjectX500Principal()).isEqualTo(new X500Principal("O=SPIRE,C=US"));
  }

  @Test
  void notAfterIsCappedAtTheCas() {
    X509SigningAuthority ca = selfSignedCa(KeyType.EC_P256, Duration.ofHours(2));
    X509Certificate svid = X509SvidMinter.mint(ca, KeyType.EC_P256.generate().getPublic(), ID, List.of(),
        Duration.ofDays(7), NOW);
    assertThat(svid.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    CredentialValidator.validateX509Svid(svid, ca, ID);
  }

  @Test
  void anUnparsedSvidReportsWhatItsCertificateHolds() throws Exception {
    X509SigningAuthority ca = selfSignedCa(KeyType.EC_P256, Duration.ofHours(2));
    Instant now = NOW.plusMillis(999);
    for (Duration ttl : List.of(Duration.ofMillis(90_500), Duration.ofDays(7))) {
      MintedX509Svid minted = X509SvidMinter.mintEncoded(ca, KeyType.EC_P256.generate().getPublic(), ID,
          List.of("a.example.org"), ttl, now);
      X509Certificate parsed = minted.certificate();
      assertThat(parsed.getEncoded()).isEqualTo(minted.der());
      assertThat(minted.id()).isEqualTo(ID);
      assertThat(minted.serialNumber()).isEqualTo(parsed.getSerialNumber());
      assertThat(minted.notAfter()).as("ttl %s", ttl).isEqualTo(parsed.getNotAfter().toInstant());
      CredentialValidator.validateX509Svid(parsed, ca, ID);
    }
  }

  @Test
  void serialNumbersDiffer() {
    X509SigningAuthority ca = selfSignedCa(KeyType.EC_P256, Duration.ofHours(2));
    var key = KeyType.EC_P256.generate().getPublic();
    BigInteger first = X509SvidMinter.mint(ca, key, ID, List.of(), Duration.ofHours(1), NOW).getSerialNumber();
    BigInteger second = X509SvidMinter.mint(ca, key, ID, List.of(), Duration.ofHours(1), NOW).getSerialNumber();
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void rsaAndP384CasSignWithTheirAlgorithms() {
    assertThat(X509SvidMinter.mint(selfSignedCa(KeyType.RSA_2048, Duration.ofHours(2)),
        KeyType.EC_P256.generate().getPublic(), ID, List.of(), Duration.ofHours(1), NOW).getSigAlgName())
        .isEqualTo("SHA256withRSA");
    assertThat(X509SvidMinter.mint(selfSignedCa(KeyType.EC_P384, Duration.ofHours(2)),
        KeyType.EC_P256.generate().getPublic(), ID, List.of(), Duration.ofHours(1), NOW).getSigAlgName())
        .isEqualTo("SHA384withECDSA");
  }

  @Test
  void idsOutsideTheTrustDomainAndBadTtlsAreRefused() {
    X509SigningAuthority ca = selfSignedCa(KeyType.EC_P256, Duration.ofHours(2));
    var key = KeyType.EC_P256.generate().getPublic();
    assertThatThrownBy(() -> X509SvidMinter.mint(ca, key, SpiffeId.parse("spiffe://evil.org/w"), List.of(),
        Duration.ofHours(1), NOW)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("evil.org");
    assertThatThrownBy(() -> X509SvidMinter.mint(ca, key, TD.id(), List.of(), Duration.ofHours(1), NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> X509SvidMinter.mint(ca, key, ID, List.of(), Duration.ZERO, NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> X509SvidMinter.mint(ca, key, ID, List.of(), Duration.ofHours(1), NOW.plus(Duration.ofDays(1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expired");
  }

  @Test
  void theCaHasSpiresCaProfile() throws Exception {
    X509SigningAuthority ca = selfSignedCa(KeyType.EC_P256, Duration.ofHours(24));
    X509Certificate cert = ca.certificate();

    assertThat(cert.getSubjectX500Principal().getName(X500Principal.RFC2253, java.util.Map.of("2.5.4.5", "SERIALNUMBER"))).isEqualTo(
        "SERIALNUMBER=" + cert.getSerialNumber() + ",O=SPIFFE,C=US");
    assertThat(cert.getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://example.org"));
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    assertThat(cert.getKeyUsage()).startsWith(false, false, false, false, false, true, true);
    assertThat(keyId(cert, Extension.subjectKeyIdentifier)).isEqualTo(ca.subjectKeyId());
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minusSeconds(10));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(24)));
    assertThat(ca.authorityId()).hasSize(40).matches("[0-9a-f]+");
    assertThat(ca.chainWithoutRoot()).isEmpty();
    cert.verify(cert.getPublicKey());
    CredentialValidator.validateX509Ca(cert, TD, NOW);
    assertThat(ca.toString()).doesNotContain(java.util.Base64.getEncoder().encodeToString(ca.privateKey().getEncoded()));
  }

  static byte[] keyId(X509Certificate certificate, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
    return SubjectKeyIdentifier.getInstance(extension(certificate, oid)).getKeyIdentifier();
  }

  static byte[] extension(X509Certificate certificate, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
    return ASN1OctetString.getInstance(certificate.getExtensionValue(oid.getId())).getOctets();
  }
}
