package dev.signet.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PerKeyRateLimiterTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void attestationLimitIsOnePerSecondPerIp() {
    PerKeyRateLimiter limiter = new PerKeyRateLimiter(1, clock);
    assertThat(limiter.tryAcquire("10.0.0.1", 1)).isTrue();
    assertThat(limiter.tryAcquire("10.0.0.1", 1)).isFalse();
    assertThat(limiter.tryAcquire("10.0.0.2", 1)).as("other IPs have their own bucket").isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(limiter.tryAcquire("10.0.0.1", 1)).isTrue();
  }

  @Test
  void batchCostCountsEachSvidAndAnOversizedBatchNeverPasses() {
    PerKeyRateLimiter limiter = new PerKeyRateLimiter(500, clock);
    assertThat(limiter.tryAcquire("ip", 400)).isTrue();
    assertThat(limiter.tryAcquire("ip", 200)).as("only 100 left").isFalse();
    assertThat(limiter.tryAcquire("ip", 100)).isTrue();
    assertThat(limiter.tryAcquire("other", 501)).isFalse();
    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.tryAcquire("ip", 250)).as("refilled at 500/s").isTrue();
    assertThat(limiter.tryAcquire("ip", 1)).isFalse();
  }
}
