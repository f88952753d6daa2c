package dev.signet.ca.x509;

import static dev.signet.ca.x509.X509SvidMinterTest.ID;
import static dev.signet.ca.x509.X509SvidMinterTest.selfSignedCa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.crypto.KeyType;
import java.math.BigInteger;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
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
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.asn1.x509.Time;
import java.util.Date;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written DER equals, byte for byte, what BouncyCastle's certificate builder makes from the same
 * fields (the builder the minter used before): a reference built here field by field.
 */
class X509SvidEncoderTest {
  static final Instant NOW = X509SvidMinterTest.NOW;

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void theTbsCertificateIsBouncyCastlesByteForByte(KeyType caKey) throws Exception {
    X509SigningAuthority ca = selfSignedCa(caKey, Duration.ofDays(3650 * 4));
    List<List<String>> nameLists = new ArrayList<>(List.of(List.of(), List.of("w.example.org"),
        List.of("w.example.org", "x.example.org")));
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add("service-" + i + ".namespace.svc.cluster.local"); // SANs over 255 bytes: long-form lengths
    }
    nameLists.add(many);
    for (List<String> dns : nameLists) {
      for (Instant notAfter : List.of(NOW.plusSeconds(3600), Instant.parse("2049-12-31T23:59:59Z"),
          Instant.parse("2050-01-01T00:00:00Z"))) {
        PublicKey workload = KeyType.EC_P256.generate().getPublic();
        BigInteger serial = new BigInteger(128, new java.util.Random(dns.size())).setBit(127);
        ContentSigner signer = Certificates.signer(ca.signingKey(), ca.signatureAlgorithm());
        byte[] algorithm = ca.signatureAlgorithmDer();
        SubjectPublicKeyInfo key = SubjectPublicKeyInfo.getInstance(workload.getEncoded());
        byte[] ours = X509SvidEncoder.tbsCertificate(algorithm, ca.subjectNameDer(), serial, NOW.minusSeconds(10),
            notAfter, workload.getEncoded(), Certificates.subjectKeyId(key), ca.authorityKeyIdExtensionDer(), ID, dns);
        byte[] reference = reference(ca, signer, serial, NOW.minusSeconds(10), notAfter, key, dns);
        assertThat(HexFormat.of().formatHex(ours)).as("%s, %d names, until %s", caKey, dns.size(), notAfter)
            .isEqualTo(HexFormat.of().formatHex(reference));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"wörk.example.org", "\u0080", "例え.jp"})
  void refusesDnsNamesThatAreNotAscii(String name) {
    X509SigningAuthority ca = selfSignedCa(KeyType.EC_P256, Duration.ofHours(2));
    assertThatThrownBy(() -> X509SvidMinter.mint(ca, KeyType.EC_P256.generate().getPublic(), ID,
        List.of("ok.example.org", name), Duration.ofHours(1), NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not ASCII");
  }

  /** The TBSCertificate as BouncyCastle's X509v3CertificateBuilder encodes the SVID profile. */
  private static byte[] reference(X509SigningAuthority ca, ContentSigner signer, BigInteger serial, Instant notBefore,
      Instant notAfter, SubjectPublicKeyInfo key, List<String> dns) throws Exception {
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "US").addRDN(BCStyle.O, "SPIRE");
    if (!dns.isEmpty()) {
      subject.addRDN(BCStyle.CN, dns.getFirst());
    }
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(X500Name.getInstance(ca.subjectNameDer()), serial,
        new Time(Date.from(notBefore)), new Time(Date.from(notAfter)), subject.build(), key);
    GeneralName[] names = new GeneralName[1 + dns.size()];
    names[0] = new GeneralName(GeneralName.uniformResourceIdentifier, ID.toString());
    for (int i = 0; i < dns.size(); i++) {
      names[i + 1] = new GeneralName(GeneralName.dNSName, dns.get(i));
    }
    builder.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
    builder.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(Certificates.subjectKeyId(key)));
    builder.addExtension(Extension.getInstance(ca.authorityKeyIdExtensionDer()));
    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    TBSCertificate tbs = builder.build(signer).toASN1Structure().getTBSCertificate();
    return tbs.getEncoded(ASN1Encoding.DER);
  }
}
