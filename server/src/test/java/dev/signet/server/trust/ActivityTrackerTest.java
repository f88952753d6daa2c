package dev.signet.server.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivityTrackerTest {
  private static final SpiffeId APP = SpiffeId.parse("spiffe://example.org/app");
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final ActivityTracker tracker = new ActivityTracker(clock);

  private void learn(int decisions) {
    for (int i = 0; i < decisions; i++) {
      tracker.record(APP, "docs/" + (i % 3), true);
      clock.advance(Duration.ofSeconds(1));
    }
  }

  @Test
  void nothingIsAnAnomalyWhileTheIdentityIsBeingLearned() {
    for (int i = 0; i < ActivityTracker.LEARNING; i++) {
      assertThat(tracker.record(APP, "docs/" + i, true)).isEmpty();
    }
    assertThat(tracker.factors(APP)).isEmpty();
  }

  @Test
  void aNeverUsedResourceAndANeverActiveHourAreAnomaliesAfterLearning() {
    learn(ActivityTracker.LEARNING);
    assertThat(tracker.record(APP, "docs/1", true)).isEmpty();
    clock.advance(Duration.ofHours(5));
    List<String> later = tracker.record(APP, "docs/1", true);
    assertThat(later).singleElement().asString().contains("15:00");
    assertThat(tracker.record(APP, "secrets/root", true)).singleElement().asString().contains("secrets/root");
    assertThat(tracker.factors(APP)).extracting(TrustFactor::name, TrustFactor::impact)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("anomaly_new_resource", -5),
            org.assertj.core.groups.Tuple.tuple("anomaly_unusual_time", -5));
  }

  @Test
  void aBurstOfDecisionsIsOneAnomalyPerWindow() {
    int bursts = 0;
    for (int i = 0; i < ActivityTracker.BURST_LIMIT * 3; i++) {
      bursts += (int) tracker.record(APP, "docs/a", true).stream().filter(a -> a.contains("decisions within")).count();
    }
    assertThat(bursts).isEqualTo(1);
    clock.advance(ActivityTracker.BURST_WINDOW.plusSeconds(1));
    for (int i = 0; i <= ActivityTracker.BURST_LIMIT; i++) {
      tracker.record(APP, "docs/a", true);
    }
    assertThat(tracker.factors(APP)).extracting(TrustFactor::name, TrustFactor::impact)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("anomaly_burst", -20));
  }

  @Test
  void denialsWeighForAnHourAndAreCapped() {
    for (int i = 0; i < 10; i++) {
      tracker.record(APP, "docs/a", false);
    }
    assertThat(tracker.factors(APP)).extracting(TrustFactor::impact).containsExactly(-30);
    clock.advance(ActivityTracker.MEMORY.plusSeconds(1));
    assertThat(tracker.factors(APP)).isEmpty();
  }

  @Test
  void identitiesDoNotShareHistory() {
    tracker.record(APP, "docs/a", false);
    assertThat(tracker.factors(SpiffeId.parse("spiffe://example.org/other"))).isEmpty();
  }

  @Test
  void whenFullTheLeastRecentlyActiveIdentityMakesRoomForANewOne() {
    for (int i = 0; i < ActivityTracker.MAX_IDENTITIES; i++) {
      tracker.record(SpiffeId.parse("spiffe://example.org/filler/" + i), "r", true);
      clock.advance(Duration.ofMillis(1));
    }
    SpiffeId late = SpiffeId.parse("spiffe://example.org/late");
    tracker.record(late, "docs/a", false);
    assertThat(tracker.factors(late)).as("still tracked once full").extracting(TrustFactor::name)
        .containsExactly("policy_denials");
  }
}
