package dev.signet.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * When a federated bundle is fetched again, as SPIRE's bundle client schedules it ({@code calculateNextUpdate}):
 * a quarter of the refresh hint, a hint below one minute counting as one minute, five minutes without a hint.
 */
class FederatedBundleRefresherScheduleTest {
  @ParameterizedTest(name = "hint {0} -> next fetch in {1}")
  @CsvSource({
      "PT0S, PT5M",
      "PT10S, PT15S",
      "PT1M, PT15S",
      "PT5M, PT1M15S",
      "PT1H, PT15M"})
  void nextFetchIsAQuarterOfTheHintNeverBelowAQuarterMinute(Duration hint, Duration expected) {
    assertThat(FederatedBundleRefresher.nextFetch(hint)).isEqualTo(expected);
  }
}
