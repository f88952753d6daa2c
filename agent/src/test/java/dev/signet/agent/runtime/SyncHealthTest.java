package dev.signet.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the agent's sync counts as stale, and what it reports. */
class SyncHealthTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theThresholdIsThreeSyncIntervalsAndAtLeastAMinute() {
    assertThat(new SyncHealth(Duration.ofSeconds(5), T0).threshold()).isEqualTo(Duration.ofMinutes(1));
    assertThat(new SyncHealth(Duration.ofMinutes(1), T0).threshold()).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void aRecentSuccessIsNotStaleAndNeitherIsAnAgentJustStarted() {
    SyncHealth health = new SyncHealth(Duration.ofSeconds(5), T0);
    assertThat(health.staleReason(T0.plusSeconds(60))).isEmpty();
    health.succeeded(T0.plusSeconds(30));
    assertThat(health.staleReason(T0.plusSeconds(90))).isEmpty();
    assertThat(health.sinceLastSuccess(T0.plusSeconds(90))).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void noSuccessForLongerThanTheThresholdIsStaleWithItsReason() {
    SyncHealth health = new SyncHealth(Duration.ofSeconds(5), T0);
    health.succeeded(T0);
    health.failed();
    health.failed();
    health.failed();

    assertThat(health.staleReason(T0.plusSeconds(61))).hasValueSatisfying(reason -> assertThat(reason)
        .contains("no successful sync with the server for 61 s", "threshold 60 s", "3 failed attempts",
            "last success " + T0, "serving cached svids"));
    assertThat(health.consecutiveFailures()).isEqualTo(3);
  }

  @Test
  void aSuccessEndsTheStalenessAndResetsTheConsecutiveFailuresButNotTheTotal() {
    SyncHealth health = new SyncHealth(Duration.ofSeconds(5), T0);
    health.failed();
    health.failed();
    assertThat(health.staleReason(T0.plusSeconds(70))).hasValueSatisfying(reason -> assertThat(reason)
        .contains("none succeeded yet"));

    health.succeeded(T0.plusSeconds(70));

    assertThat(health.staleReason(T0.plusSeconds(71))).isEmpty();
    assertThat(health.consecutiveFailures()).isZero();
    assertThat(health.failures()).isEqualTo(2);
    assertThat(health.lastSuccess()).contains(T0.plusSeconds(70));
  }

  @Test
  void aClockThatWentBackCountsNoNegativeAge() {
    SyncHealth health = new SyncHealth(Duration.ofSeconds(5), T0);
    health.succeeded(T0);
    assertThat(health.sinceLastSuccess(T0.minusSeconds(30))).isZero();
  }
}
