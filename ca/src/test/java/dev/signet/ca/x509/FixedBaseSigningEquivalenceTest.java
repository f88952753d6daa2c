package dev.signet.ca.x509;

import static dev.signet.ca.x509.X509SvidMinterTest.ID;
import static dev.signet.ca.x509.X509SvidMinterTest.NOW;
import static dev.signet.ca.x509.X509SvidMinterTest.selfSignedCa;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.crypto.KeyType;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fixed-base P-256 signer changes nothing in an SVID but the signature (and the random serial). */
class FixedBaseSigningEquivalenceTest {
  @ParameterizedTest
  @EnumSource(KeyType.class)
  void svidsEqualTheJcaSignersInEverythingButSerialAndSignature(KeyType caKey) throws Exception {
    X509SigningAuthority ca = selfSignedCa(caKey, Duration.ofHours(24));
    for (List<String> dns : List.of(List.<String>of(), List.of("w.example.org", "x.example.org"))) {
      PublicKey workload = KeyType.EC_P256.generate().getPublic();
      X509Certificate jca = X509SvidMinter.mint(ca, workload, ID, dns, Duration.ofHours(1), NOW,
          Certificates.signer(ca.signingKey(), ca.signatureAlgorithm()));
      X509Certificate current = X509SvidMinter.mint(ca, workload, ID, dns, Duration.ofHours(1), NOW);

      Certificate a = Certificate.getInstance(jca.getEncoded());
      Certificate b = Certificate.getInstance(current.getEncoded());
      assertThat(b.getSignatureAlgorithm().getEncoded()).isEqualTo(a.getSignatureAlgorithm().getEncoded());
      assertThat(withoutSerial(b.getTBSCertificate())).isEqualTo(withoutSerial(a.getTBSCertificate()));
      assertThat(b.getSerialNumber().getValue()).isNotEqualTo(a.getSerialNumber().getValue());
      current.verify(ca.publicKey());
      jca.verify(ca.publicKey());
      CredentialValidator.validateX509Svid(current, ca, ID);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"1949-12-31T23:59:59.999Z", "1950-01-01T00:00:00Z",
      "2030-01-01T00:00:00.500Z", "2030-06-15T12:34:56.789Z", "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z",
      "2049-12-31T23:59:59.999Z", "2050-01-01T00:00:00Z", "2100-02-28T01:02:03.004Z"})
  void certificateTimesEqualBouncyCastlesFromDate(String instant) throws Exception {
    java.time.Instant at = java.time.Instant.parse(instant);
    assertThat(Certificates.time(at).getEncoded())
        .isEqualTo(new org.bouncycastle.asn1.x509.Time(java.util.Date.from(at)).getEncoded());
    for (int i = 0; i < 200; i++) {
      java.time.Instant random = java.time.Instant.ofEpochMilli(java.util.concurrent.ThreadLocalRandom.current()
          .nextLong(-1_000_000_000_000L, 4_000_000_000_000L));
      assertThat(Certificates.time(random).getEncoded()).as("%s", random)
          .isEqualTo(new org.bouncycastle.asn1.x509.Time(java.util.Date.from(random)).getEncoded());
    }
  }

  /** The DER of every TBSCertificate field but the serial number (field 1, after the [0] version). */
  private static List<String> withoutSerial(TBSCertificate tbs) throws Exception {
    ASN1Sequence sequence = ASN1Sequence.getInstance(tbs.getEncoded());
    List<String> fields = new java.util.ArrayList<>();
    for (int i = 0; i < sequence.size(); i++) {
      if (i != 1) {
        fields.add(java.util.HexFormat.of().formatHex(sequence.getObjectAt(i).toASN1Primitive().getEncoded("DER")));
      }
    }
    assertThat(tbs.getSerialNumber().getValue()).isEqualTo(
        org.bouncycastle.asn1.ASN1Integer.getInstance(sequence.getObjectAt(1)).getValue());
    return fields;
  }
}
