package dev.signet.common.svid;

import static dev.signet.common.testing.TestCertificate.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.testing.TestCertificate.Issued;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class X509SvidValidatorTest {
  private static final String ID = "spiffe://example.org/workload";
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final Issued ROOT = TestCertificate.ca("example.org").issue();
  private static final Issued OTHER_ROOT = TestCertificate.ca("other.org").issue();
  private static final BundleSource BUNDLES = BundleSource.of(
      Bundle.ofX509(TD, List.of(ROOT.certificate())),
      Bundle.ofX509(TrustDomain.parse("other.org"), List.of(OTHER_ROOT.certificate())));

  static Stream<Arguments> badLeaves() {
    return Stream.<Arguments>of(
        bad("no URI SAN", b -> b.uris(), "must have exactly one URI SAN; it has 0"),
        bad("two URI SANs", b -> b.uris(ID, "spiffe://example.org/other"), "it has 2"),
        bad("a spiffe and an https URI SAN", b -> b.uris(ID, "https://example.org/"), "it has 2"),
        bad("https URI SAN", b -> b.uris("https://example.org/workload"), "not a spiffe id"),
        bad("upper-case scheme", b -> b.uris("SPIFFE://example.org/workload"), "not a spiffe id"),
        bad("upper-case trust domain", b -> b.uris("spiffe://Example.org/workload"), "not a spiffe id"),
        bad("percent-encoded path", b -> b.uris("spiffe://example.org/w%2Fx"), "not a spiffe id"),
        bad("dot segment", b -> b.uris("spiffe://example.org/a/../b"), "not a spiffe id"),
        bad("trust domain id (no path)", b -> b.uris("spiffe://example.org"), "has no path"),
        bad("CA flag set", b -> b.caFlag(true), "must not be a CA"),
        bad("no key usage", b -> b.keyUsage(null), "has no key usage extension"),
        bad("no digitalSignature", b -> b.keyUsage(KeyUsage.keyEncipherment), "digitalSignature"),
        bad("keyCertSign", b -> b.keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign), "keyCertSign"),
        bad("cRLSign", b -> b.keyUsage(KeyUsage.digitalSignature | KeyUsage.cRLSign), "cRLSign"));
  }

  private static Arguments bad(String name, UnaryOperator<TestCertificate> change, String message) {
    return Arguments.of(name, change, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLeaves")
  void rejectsLeavesOutsideTheSpec(String name, UnaryOperator<TestCertificate> change, String message) {
    X509Certificate leaf = change.apply(TestCertificate.leaf(ID, ROOT)).issue().certificate();
    assertThatThrownBy(() -> X509SvidValidator.validateLeaf(leaf))
        .isInstanceOf(SvidValidationException.class).hasMessageContaining(message);
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf), BUNDLES, NOW))
        .isInstanceOf(SvidValidationException.class).hasMessageContaining(message);
  }

  @Test
  void acceptsAMinimalAndARichLeaf() {
    X509Certificate plain = TestCertificate.leaf(ID, ROOT).keyUsage(KeyUsage.digitalSignature).caFlag(null).issue()
        .certificate();
    X509Certificate rich = TestCertificate.leaf(ID, ROOT).dnsNames("web.example.org", "localhost").issue()
        .certificate();
    assertThat(X509SvidValidator.validateLeaf(plain)).isEqualTo(SpiffeId.parse(ID));
    assertThat(X509SvidValidator.verify(List.of(rich), BUNDLES, NOW)).isEqualTo(SpiffeId.parse(ID));
  }

  @Test
  void verifiesThroughIntermediatesWithOrWithoutTheRoot() {
    Issued intermediate = TestCertificate.ca("example.org").issuer(ROOT).issue();
    Issued second = TestCertificate.ca("example.org").issuer(intermediate).keyType(KeyType.RSA_2048).issue();
    X509Certificate leaf = TestCertificate.leaf(ID, second).issue().certificate();
    List<X509Certificate> chain = List.of(leaf, second.certificate(), intermediate.certificate());
    assertThat(X509SvidValidator.verify(chain, BUNDLES, NOW)).hasToString(ID);
    List<X509Certificate> withRoot = List.of(leaf, second.certificate(), intermediate.certificate(),
        ROOT.certificate());
    assertThat(X509SvidValidator.verify(withRoot, BUNDLES, NOW)).hasToString(ID);
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf, second.certificate()), BUNDLES, NOW))
        .hasMessageContaining("does not verify against the bundle of \"example.org\"");
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf, intermediate.certificate(),
        second.certificate()), BUNDLES, NOW)).hasMessageContaining("does not verify");
  }

  @Test
  void aRootTrustedForOneDomainDoesNotVouchForAnother() {
    X509Certificate foreign = TestCertificate.leaf("spiffe://other.org/workload", ROOT).issue().certificate();
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(foreign), BUNDLES, NOW))
        .hasMessageContaining("does not verify against the bundle of \"other.org\"");
    X509Certificate unknownDomain = TestCertificate.leaf("spiffe://nowhere.org/w", ROOT).issue().certificate();
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(unknownDomain), BUNDLES, NOW))
        .hasMessageContaining("no bundle for trust domain \"nowhere.org\"");
  }

  @Test
  void rejectsAnImpostorRootWithTheSameName() {
    Issued impostor = TestCertificate.ca("example.org")
        .subject(ROOT.certificate().getSubjectX500Principal().getName()).issue();
    X509Certificate leaf = TestCertificate.leaf(ID, impostor).issue().certificate();
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf), BUNDLES, NOW))
        .hasMessageContaining("does not verify");
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf, impostor.certificate()), BUNDLES, NOW))
        .hasMessageContaining("does not verify");
  }

  @Test
  void rejectsSelfSignedLeaves() {
    X509Certificate leaf = TestCertificate.leaf(ID, null).issue().certificate();
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(leaf.getSubjectX500Principal());
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf), BUNDLES, NOW))
        .hasMessageContaining("does not verify");
  }

  @Test
  void checksValidityAtTheGivenTime() {
    X509Certificate leaf = TestCertificate.leaf(ID, ROOT).validity(NOW.minusSeconds(60), NOW.plusSeconds(60))
        .issue().certificate();
    assertThat(X509SvidValidator.verify(List.of(leaf), BUNDLES, NOW)).hasToString(ID);
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf), BUNDLES, NOW.plusSeconds(61)))
        .hasMessageContaining("does not verify").hasMessageContaining("expired");
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf), BUNDLES, NOW.minusSeconds(61)))
        .hasMessageContaining("does not verify").hasMessageContaining("not yet valid");
  }

  @Test
  void rejectsAnExpiredTrustAnchor() {
    Issued oldRoot = TestCertificate.ca("example.org").validity(NOW.minusSeconds(7200), NOW.minusSeconds(1)).issue();
    X509Certificate leaf = TestCertificate.leaf(ID, oldRoot).issue().certificate();
    BundleSource bundles = BundleSource.of(Bundle.ofX509(TD, List.of(oldRoot.certificate())));
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf), bundles, NOW))
        .hasMessageContaining("which is not valid at " + NOW);
  }

  @Test
  void signingCertificatesMustBeCasWithKeyCertSign() {
    Issued notCa = TestCertificate.ca("example.org").issuer(ROOT).caFlag(false).issue();
    X509Certificate leaf1 = TestCertificate.leaf(ID, notCa).issue().certificate();
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf1, notCa.certificate()), BUNDLES, NOW))
        .hasMessageContaining("chain certificate 1").hasMessageContaining("is not a CA");
    Issued noCertSign = TestCertificate.ca("example.org").issuer(ROOT).keyUsage(KeyUsage.cRLSign).issue();
    X509Certificate leaf2 = TestCertificate.leaf(ID, noCertSign).issue().certificate();
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf2, noCertSign.certificate()), BUNDLES, NOW))
        .hasMessageContaining("lacks the keyCertSign key usage");
  }

  @Test
  void taintedAuthoritiesStillVerifyButEmptyBundlesDoNot() {
    X509Certificate leaf = TestCertificate.leaf(ID, ROOT).issue().certificate();
    Bundle tainted = Bundle.ofX509(TD, List.of(ROOT.certificate())).withX509AuthorityTainted(ROOT.certificate());
    assertThat(X509SvidValidator.verify(List.of(leaf), BundleSource.of(tainted), NOW)).hasToString(ID);
    Bundle jwtOnly = Bundle.empty(TD).withJwtAuthority(JwtAuthority.of("k", KeyType.EC_P256.generate().getPublic()));
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(leaf), BundleSource.of(jwtOnly), NOW))
        .hasMessageContaining("has no x509 authorities");
    assertThatThrownBy(() -> X509SvidValidator.verify(List.of(), BUNDLES, NOW)).hasMessage("x509-svid chain is empty");
  }

  @Test
  void bundleSourceRefusesTwoBundlesForOneDomain() {
    assertThatThrownBy(() -> BundleSource.of(Bundle.empty(TD), Bundle.empty(TD)))
        .hasMessage("two bundles for trust domain \"example.org\"");
  }
}
