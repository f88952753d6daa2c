package dev.signet.common.tls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Adversarial checks of how the agent recognises its server. */
class SpiffeServerTrustManagerTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final SpiffeId SERVER = TD.id("/spire/server");
  private static final TestCertificate.Issued CA = TestCertificate.ca("example.org").issue();
  private static final TestCertificate.Issued OTHER_CA = TestCertificate.ca("example.org").issue();
  private static final Bundle BUNDLE = Bundle.ofX509(TD, List.of(CA.certificate()));

  private final ManualClock clock = new ManualClock(TestCertificate.NOW);

  private static X509Certificate[] leaf(String id, TestCertificate.Issued issuer) {
    return new X509Certificate[] {TestCertificate.leaf(id, issuer).issue().certificate()};
  }

  private SpiffeServerTrustManager trust(Optional<Bundle> bundle, boolean insecure) {
    return new SpiffeServerTrustManager(SERVER, () -> bundle, insecure, clock);
  }

  @Test
  void theServerIdFromTheBundlesCaIsAccepted() {
    assertThatCode(() -> trust(Optional.of(BUNDLE), false).checkServerTrusted(leaf(SERVER.toString(), CA), "ECDHE_ECDSA"))
        .doesNotThrowAnyException();
  }

  @Test
  void anotherSpiffeIdIsRefused() {
    assertThatThrownBy(() -> trust(Optional.of(BUNDLE), false)
        .checkServerTrusted(leaf("spiffe://example.org/spire/agent/x", CA), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("spiffe://example.org/spire/agent/x").hasMessageContaining("expected \"" + SERVER + "\"");
    assertThatThrownBy(() -> trust(Optional.of(BUNDLE), false)
        .checkServerTrusted(leaf("spiffe://other.org/spire/server", CA), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void aChainFromAnotherCaIsRefusedEvenWithTheRightId() {
    assertThatThrownBy(() -> trust(Optional.of(BUNDLE), false)
        .checkServerTrusted(leaf(SERVER.toString(), OTHER_CA), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("not a valid X509-SVID");
    // insecure bootstrap does not weaken the check once a bundle is known
    assertThatThrownBy(() -> trust(Optional.of(BUNDLE), true)
        .checkServerTrusted(leaf(SERVER.toString(), OTHER_CA), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void anExpiredServerCertificateIsRefused() {
    clock.advance(Duration.ofHours(2));
    assertThatThrownBy(() -> trust(Optional.of(BUNDLE), false).checkServerTrusted(leaf(SERVER.toString(), CA), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void aServerCertificateUpToFiveMinutesAheadOfThisClockIsAcceptedAsClockSkew() {
    X509Certificate[] justRenewed = {TestCertificate.leaf(SERVER.toString(), CA)
        .validity(TestCertificate.NOW.plus(Duration.ofMinutes(5)), TestCertificate.NOW.plus(Duration.ofHours(1))).issue()
        .certificate()};
    assertThatCode(() -> trust(Optional.of(BUNDLE), false).checkServerTrusted(justRenewed, "ECDHE_ECDSA"))
        .doesNotThrowAnyException();
  }

  @Test
  void aServerCertificateMoreThanFiveMinutesAheadIsRefused() {
    X509Certificate[] postDated = {TestCertificate.leaf(SERVER.toString(), CA)
        .validity(TestCertificate.NOW.plus(Duration.ofMinutes(5)).plusSeconds(1), TestCertificate.NOW.plus(Duration.ofHours(1)))
        .issue().certificate()};
    assertThatThrownBy(() -> trust(Optional.of(BUNDLE), false).checkServerTrusted(postDated, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("not a valid X509-SVID");
  }

  @Test
  void theAllowanceNeverExtendsExpiry() {
    // valid from 1 to 2 minutes ahead: accepted now (checked at its NotBefore), refused once it has expired
    X509Certificate[] shortLived = {TestCertificate.leaf(SERVER.toString(), CA)
        .validity(TestCertificate.NOW.plus(Duration.ofMinutes(1)), TestCertificate.NOW.plus(Duration.ofMinutes(2)))
        .issue().certificate()};
    X509Certificate[] expired = {TestCertificate.leaf(SERVER.toString(), CA)
        .validity(TestCertificate.NOW.minus(Duration.ofHours(1)), TestCertificate.NOW.minusSeconds(1)).issue()
        .certificate()};
    assertThatCode(() -> trust(Optional.of(BUNDLE), false).checkServerTrusted(shortLived, "ECDHE_ECDSA"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> trust(Optional.of(BUNDLE), false).checkServerTrusted(expired, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
    clock.advance(Duration.ofSeconds(150));
    assertThatThrownBy(() -> trust(Optional.of(BUNDLE), false).checkServerTrusted(shortLived, "ECDHE_ECDSA"))
        .as("expired at 2 min, now 2.5 min").isInstanceOf(CertificateException.class);
  }

  @Test
  void withoutABundleOnlyInsecureBootstrapProceedsAndOnlyForTheServerId() {
    assertThatThrownBy(() -> trust(Optional.empty(), false).checkServerTrusted(leaf(SERVER.toString(), CA), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("no trust bundle");
    assertThatCode(() -> trust(Optional.empty(), true).checkServerTrusted(leaf(SERVER.toString(), OTHER_CA), "ECDHE_ECDSA"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> trust(Optional.empty(), true)
        .checkServerTrusted(leaf("spiffe://example.org/impostor", OTHER_CA), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class).hasMessageContaining("impostor");
    assertThatThrownBy(() -> trust(Optional.empty(), true).checkServerTrusted(
        new X509Certificate[] {OTHER_CA.certificate()}, "ECDHE_ECDSA")).isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> trust(Optional.empty(), true).checkServerTrusted(new X509Certificate[0], "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void itNeverVerifiesClients() {
    assertThatThrownBy(() -> trust(Optional.of(BUNDLE), false).checkClientTrusted(leaf(SERVER.toString(), CA), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }
}
