package dev.signet.ca.x509;

import static dev.signet.ca.x509.X509SvidMinterTest.ID;
import static dev.signet.ca.x509.X509SvidMinterTest.NOW;
import static dev.signet.ca.x509.X509SvidMinterTest.TD;
import static dev.signet.ca.x509.X509SvidMinterTest.selfSignedCa;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.ca.CaException;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

class CredentialValidatorTest {
  final X509SigningAuthority ca = selfSignedCa(KeyType.EC_P256, Duration.ofHours(24));
  final TestCertificate.Issued issuer = new TestCertificate.Issued(ca.certificate(),
      new java.security.KeyPair(ca.publicKey(), ca.privateKey()));

  @Test
  void anSvidForAnotherIdIsRefused() {
    X509Certificate svid = X509SvidMinter.mint(ca, KeyType.EC_P256.generate().getPublic(), ID, List.of(),
        Duration.ofHours(1), NOW);
    assertThatThrownBy(() -> CredentialValidator.validateX509Svid(svid, ca, SpiffeId.parse("spiffe://example.org/other")))
        .isInstanceOfSatisfying(CaException.class, e -> assertThat(e.kind()).isEqualTo(CaException.Kind.INTERNAL))
        .hasMessageContaining("expected");
  }

  @Test
  void anSvidFromAnotherCaIsRefused() {
    X509SigningAuthority other = selfSignedCa(KeyType.EC_P256, Duration.ofHours(24));
    X509Certificate svid = X509SvidMinter.mint(other, KeyType.EC_P256.generate().getPublic(), ID, List.of(),
        Duration.ofHours(1), NOW);
    assertThatThrownBy(() -> CredentialValidator.validateX509Svid(svid, ca, ID)).isInstanceOf(CaException.class);
  }

  @Test
  void aCaShapedLeafIsRefused() {
    X509Certificate leaf = TestCertificate.leaf(ID.toString(), issuer).caFlag(true).issue().certificate();
    assertThatThrownBy(() -> CredentialValidator.validateX509Svid(leaf, ca, ID)).isInstanceOf(CaException.class)
        .hasMessageContaining("CA");
  }

  @Test
  void aLeafWithTwoUriSansIsRefused() {
    X509Certificate leaf = TestCertificate.leaf(ID.toString(), issuer).uris(ID.toString(), "spiffe://example.org/x")
        .issue().certificate();
    assertThatThrownBy(() -> CredentialValidator.validateX509Svid(leaf, ca, ID)).isInstanceOf(CaException.class)
        .hasMessageContaining("exactly one URI SAN");
  }

  @Test
  void aLeafOutlivingItsCaIsRefused() {
    X509Certificate leaf = TestCertificate.leaf(ID.toString(), issuer)
        .validity(NOW, ca.notAfter().plusSeconds(60)).issue().certificate();
    assertThatThrownBy(() -> CredentialValidator.validateX509Svid(leaf, ca, ID)).isInstanceOf(CaException.class);
  }

  @Test
  void caProfileViolationsAreRefused() {
    assertThatThrownBy(() -> CredentialValidator.validateX509Ca(ca.certificate(), TrustDomain.parse("other.org"), NOW))
        .isInstanceOf(CaException.class).hasMessageContaining("spiffe://other.org");
    assertThatThrownBy(() -> CredentialValidator.validateX509Ca(ca.certificate(), TD, ca.notAfter()))
        .isInstanceOf(CaException.class).hasMessageContaining("not valid");
    X509Certificate noCertSign = TestCertificate.ca("example.org").keyUsage(KeyUsage.cRLSign).validity(NOW, NOW.plusSeconds(60))
        .issue().certificate();
    assertThatThrownBy(() -> CredentialValidator.validateX509Ca(noCertSign, TD, NOW)).isInstanceOf(CaException.class)
        .hasMessageContaining("keyCertSign");
  }

  @Test
  void anAuthorityThatMintsValidSvidsPassesTheMintingCheck() {
    CredentialValidator.validateMinting(ca, NOW);
    CredentialValidator.validateMinting(selfSignedCa(KeyType.RSA_2048, Duration.ofHours(24)), NOW);
  }

  @Test
  void anAuthorityWhoseKeyIsNotItsCertificatesFailsTheMintingCheck() {
    X509SigningAuthority wrongKey = X509SigningAuthority.selfSigned(ca.certificate(),
        KeyType.EC_P256.generate().getPrivate());
    assertThatThrownBy(() -> CredentialValidator.validateMinting(wrongKey, NOW))
        .isInstanceOfSatisfying(CaException.class, e -> assertThat(e.kind()).isEqualTo(CaException.Kind.INTERNAL))
        .hasMessageContaining("cannot mint a valid x509-svid").hasMessageContaining("does not verify");
  }

  @Test
  void anExpiredAuthorityFailsTheMintingCheck() {
    assertThatThrownBy(() -> CredentialValidator.validateMinting(ca, ca.notAfter().plusSeconds(1)))
        .isInstanceOfSatisfying(CaException.class, e -> assertThat(e.kind()).isEqualTo(CaException.Kind.INTERNAL))
        .hasMessageContaining("expired");
  }

  @Test
  void mismatchedKeyPairsAreRefused() {
    assertThatThrownBy(() -> CredentialValidator.validateKeyPair(ca.publicKey(), KeyType.EC_P256.generate().getPrivate()))
        .isInstanceOf(CaException.class);
  }
}
