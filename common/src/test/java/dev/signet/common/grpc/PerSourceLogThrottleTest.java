package dev.signet.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One line per source and interval, suppressed events counted, and a bounded table of sources. */
class PerSourceLogThrottleTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final PerSourceLogThrottle throttle = new PerSourceLogThrottle(INTERVAL, clock);

  @Test
  void eachSourceHasItsOwnIntervalAndItsNextLineCountsWhatWasSuppressed() {
    assertThat(throttle.event("10.0.0.1")).isEqualTo(new PerSourceLogThrottle.Decision(true, 0, "10.0.0.1"));
    for (int i = 0; i < 5; i++) {
      assertThat(throttle.event("10.0.0.1").log()).isFalse();
    }
    assertThat(throttle.event("10.0.0.2").log()).as("another source is not held back").isTrue();

    clock.advance(INTERVAL);
    assertThat(throttle.event("10.0.0.1")).isEqualTo(new PerSourceLogThrottle.Decision(true, 5, "10.0.0.1"));
    assertThat(throttle.event("10.0.0.1").log()).isFalse();
  }

  @Test
  void aFloodOfNewSourcesSharesOneSlotOnceTheTableIsFullAndQuietSourcesAreSweptLater() {
    for (int i = 0; i < PerSourceLogThrottle.MAX_SOURCES; i++) {
      throttle.event("source " + i);
    }
    PerSourceLogThrottle.Decision overflow = throttle.event("one more");
    assertThat(overflow).isEqualTo(new PerSourceLogThrottle.Decision(true, 0, PerSourceLogThrottle.OTHER_SOURCES));
    assertThat(throttle.event("yet another").log()).isFalse();
    assertThat(throttle.remembered()).isEqualTo(PerSourceLogThrottle.MAX_SOURCES + 1);

    clock.advance(INTERVAL);
    assertThat(throttle.event("late").source()).isEqualTo("late");
    assertThat(throttle.remembered()).isEqualTo(1);
  }

  @Test
  void aZeroIntervalIsRefused() {
    assertThatThrownBy(() -> new PerSourceLogThrottle(Duration.ZERO, clock))
        .hasMessage("log interval PT0S is not positive");
  }
}
