package dev.signet.server.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IssuedSvidsTest {
  private static final SpiffeId WEB = SpiffeId.parse("spiffe://example.org/web");
  private static final SpiffeId AGENT = SpiffeId.parse("spiffe://example.org/spire/agent/x509pop/n1");
  private final ManualClock clock = new ManualClock(Instant.now());
  private final IssuedSvids issued = new IssuedSvids(clock);
  private final TestCertificate.Issued ca = TestCertificate.ca("example.org")
      .validity(clock.instant().minusSeconds(60), clock.instant().plusSeconds(86_400)).issue();

  private X509Certificate svid(Duration ttl) {
    return TestCertificate.leaf(WEB.toString(), ca).validity(clock.instant(), clock.instant().plus(ttl)).issue()
        .certificate();
  }

  @Test
  void anIdentityNeverSignedForHasNoRotationFactor() {
    assertThat(issued.rotationFactor(WEB, clock.instant())).isEmpty();
  }

  @Test
  void theNewestSvidCountsAndAnExpiredOneWithoutRenewalIsOverdue() {
    issued.issued(WEB, AGENT, svid(Duration.ofMinutes(5)));
    clock.advance(Duration.ofSeconds(1));
    issued.issued(WEB, AGENT, svid(Duration.ofHours(1)));
    assertThat(issued.newest(WEB).orElseThrow().notAfter()).as("the one issued last is the newest")
        .isAfter(clock.instant().plus(Duration.ofMinutes(30)));
    assertThat(issued.rotationFactor(WEB, clock.instant()).orElseThrow().impact()).isZero();

    clock.advance(Duration.ofHours(2));
    TrustFactor overdue = issued.rotationFactor(WEB, clock.instant()).orElseThrow();
    assertThat(overdue.impact()).isEqualTo(-15);
    assertThat(overdue.detail()).contains("overdue");

    issued.issued(WEB, AGENT, svid(Duration.ofHours(1)));
    assertThat(issued.rotationFactor(WEB, clock.instant()).orElseThrow().impact()).as("renewed").isZero();
  }
}
