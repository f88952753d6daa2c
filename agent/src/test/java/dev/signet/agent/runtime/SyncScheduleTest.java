package dev.signet.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a sync is due, and that failures pause every reason to sync. */
class SyncScheduleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final SyncSchedule schedule = new SyncSchedule(Duration.ofSeconds(5));

  @Test
  void theFirstSyncIsDueAtOnceAndTheNextAnIntervalAfterASuccess() {
    assertThat(schedule.due(T0, false, null)).isTrue();
    schedule.succeeded(T0);
    assertThat(schedule.due(T0.plusSeconds(4), false, null)).isFalse();
    assertThat(schedule.due(T0.plusSeconds(5), false, null)).isTrue();
  }

  @Test
  void aPushOrARenewalPointMakesASyncDueBeforeTheTimerWhenNothingFailed() {
    schedule.succeeded(T0);
    assertThat(schedule.due(T0.plusSeconds(1), true, null)).isTrue();
    assertThat(schedule.due(T0.plusSeconds(1), false, T0.plusSeconds(1))).isTrue();
    assertThat(schedule.due(T0.plusSeconds(1), false, T0.plusSeconds(2))).isFalse();
  }

  @Test
  void failuresGrowThePauseFromHalfASecondDoublingToThirtySeconds() {
    Instant now = T0;
    Duration expected = Duration.ofMillis(500);
    for (int i = 0; i < 10; i++) {
      schedule.failed(now);
      assertThat(schedule.backoff()).isEqualTo(expected);
      assertThat(schedule.nextSync()).isEqualTo(now.plus(expected));
      now = schedule.nextSync();
      expected = expected.multipliedBy(2).compareTo(Duration.ofSeconds(30)) < 0 ? expected.multipliedBy(2)
          : Duration.ofSeconds(30);
    }
    schedule.succeeded(now);
    assertThat(schedule.backoff()).isZero();
  }

  @Test
  void anSvidPastItsRenewalPointDoesNotMakeASyncDueDuringThePause() {
    // the regression: with the server down, an overdue renewal asked for a sync on every 250 ms tick
    schedule.succeeded(T0);
    Instant overdue = T0.plusSeconds(1);
    Instant now = T0.plusSeconds(2);
    schedule.failed(now);
    schedule.failed(now);
    schedule.failed(now); // a 2 s pause
    int ticks = 0;
    int syncs = 0;
    for (Instant t = now; t.isBefore(now.plusSeconds(2)); t = t.plusMillis(250)) {
      ticks++;
      if (schedule.due(t, true, overdue)) {
        syncs++;
      }
    }
    assertThat(ticks).isEqualTo(8);
    assertThat(syncs).as("syncs asked for during a 2 s pause").isZero();
    assertThat(schedule.due(now.plusSeconds(2), false, overdue)).isTrue();
  }

  @Test
  void aSyncIntervalMustBePositive() {
    assertThatThrownBy(() -> new SyncSchedule(Duration.ZERO)).hasMessageContaining("PT0S");
  }
}
