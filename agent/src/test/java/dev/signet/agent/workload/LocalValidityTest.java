package dev.signet.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The renewal point and expiry of an SVID on the agent's clock: the certificate's own when the clocks agree,
 * counted from receipt when they differ by more than the server's backdating.
 */
class LocalValidityTest {
  /** A server's "now"; it backdates NotBefore by 10 s and issues for 70 s: a lifetime of 80 s. */
  private static final Instant ISSUED = Instant.parse("2026-01-01T12:00:00Z");
  private static final Instant NOT_BEFORE = ISSUED.minusSeconds(10);
  private static final Instant NOT_AFTER = ISSUED.plusSeconds(70);

  @ParameterizedTest(name = "agent clock {0} s off the server's: renew {1} s, expire {2} s after receipt, skewed {3}")
  @CsvSource({
      // in agreement (within the backdating, or not past the renewal point): the certificate's own times
      "0, 30, 70, false",
      "-10, 40, 80, false",
      // a little ahead: the certificate's renewal point is near, but not sooner than a quarter lifetime
      "20, 20, 50, false",
      // agent 5 minutes ahead: the certificate looks expired on arrival; 5 minutes behind: not yet valid
      "300, 40, 80, true",
      "-300, 40, 80, true",
      // ahead past the renewal point but not the expiry: counted from receipt too, not due at once
      "30, 40, 80, true",
      "-11, 40, 80, true",
  })
  void renewalAndExpiryRelativeToReceipt(long skewSeconds, long renewAfter, long expireAfter, boolean skewed) {
    Instant receivedAt = ISSUED.plusSeconds(skewSeconds);

    LocalValidity validity = LocalValidity.of(NOT_BEFORE, NOT_AFTER, receivedAt, Duration.ZERO);

    assertThat(Duration.between(receivedAt, validity.renewAt())).isEqualTo(Duration.ofSeconds(renewAfter));
    assertThat(Duration.between(receivedAt, validity.expiresAt())).isEqualTo(Duration.ofSeconds(expireAfter));
    assertThat(validity.skewed()).isEqualTo(skewed);
  }

  @Test
  void theRenewalPointIsAtLeastAQuarterLifetimeAfterReceiptWhateverTheSkew() {
    // a storm needs a renewal point at or near receipt: there is none, for any skew in steps of a second
    for (long skew = -600; skew <= 600; skew++) {
      Instant receivedAt = ISSUED.plusSeconds(skew);
      LocalValidity validity = LocalValidity.of(NOT_BEFORE, NOT_AFTER, receivedAt, Duration.ofSeconds(8));
      assertThat(validity.renewAt()).as("skew %d s", skew).isAfterOrEqualTo(receivedAt.plusSeconds(20));
      assertThat(validity.expiresAt()).as("skew %d s", skew).isAfter(validity.renewAt());
    }
  }

  @Test
  void jitterMovesTheRenewalEarlier() {
    LocalValidity validity = LocalValidity.of(NOT_BEFORE, NOT_AFTER, ISSUED, Duration.ofSeconds(5));
    assertThat(validity.renewAt()).isEqualTo(NOT_BEFORE.plusSeconds(35));
    assertThat(validity.expiresAt()).isEqualTo(NOT_AFTER);
  }

  @Test
  void anEmptyLifetimeOrAJitterOfHalfOfItIsRefused() {
    assertThatThrownBy(() -> LocalValidity.of(NOT_AFTER, NOT_AFTER, ISSUED, Duration.ZERO))
        .hasMessageContaining("is not positive");
    assertThatThrownBy(() -> LocalValidity.of(NOT_BEFORE, NOT_AFTER, ISSUED, Duration.ofSeconds(40)))
        .hasMessageContaining("renewal jitter PT40S");
  }
}
