package dev.signet.server.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.time.ManualClock;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IssuedSvidsTest {
  private static final SpiffeId WEB = SpiffeId.parse("spiffe://example.org/web");
  private static final SpiffeId AGENT = SpiffeId.parse("spiffe://example.org/spire/agent/x509pop/n1");
  private final ManualClock clock = new ManualClock(Instant.now());
  private final IssuedSvids issued = new IssuedSvids(clock);
  private long serial = 1;

  /** An X509-SVID for WEB valid for {@code ttl} from now, signed for AGENT. */
  private void issue(Duration ttl) {
    issued.issued(WEB, AGENT, BigInteger.valueOf(serial++), clock.instant().plus(ttl));
  }

  @Test
  void anIdentityNeverSignedForHasNoRotationFactor() {
    assertThat(issued.rotationFactor(WEB, clock.instant())).isEmpty();
  }

  @Test
  void theNewestSvidCountsAndAnExpiredOneWithoutRenewalIsOverdue() {
    issue(Duration.ofMinutes(5));
    clock.advance(Duration.ofSeconds(1));
    issue(Duration.ofHours(1));
    assertThat(issued.newest(WEB).orElseThrow().notAfter()).as("the one issued last is the newest")
        .isAfter(clock.instant().plus(Duration.ofMinutes(30)));
    assertThat(issued.rotationFactor(WEB, clock.instant()).orElseThrow().impact()).isZero();

    clock.advance(Duration.ofHours(2));
    TrustFactor overdue = issued.rotationFactor(WEB, clock.instant()).orElseThrow();
    assertThat(overdue.impact()).isEqualTo(-15);
    assertThat(overdue.detail()).contains("overdue");

    issue(Duration.ofHours(1));
    assertThat(issued.rotationFactor(WEB, clock.instant()).orElseThrow().impact()).as("renewed").isZero();
  }
}
