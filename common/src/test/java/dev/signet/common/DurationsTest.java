package dev.signet.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("0", 0L), Arguments.of("-0", 0L), Arguments.of("+0", 0L),
        Arguments.of("5s", 5_000_000_000L), Arguments.of("30s", 30_000_000_000L), Arguments.of("-5s", -5_000_000_000L),
        Arguments.of("+5s", 5_000_000_000L), Arguments.of("5.0s", 5_000_000_000L), Arguments.of("5.6s", 5_600_000_000L),
        Arguments.of("5.s", 5_000_000_000L), Arguments.of(".5s", 500_000_000L), Arguments.of("1.004s", 1_004_000_000L),
        Arguments.of("100.00100s", 100_001_000_000L), Arguments.of("10ns", 10L), Arguments.of("11us", 11_000L),
        Arguments.of("12\u00b5s", 12_000L), Arguments.of("12\u03bcs", 12_000L), Arguments.of("13ms", 13_000_000L),
        Arguments.of("15m", 900_000_000_000L), Arguments.of("16h", 57_600_000_000_000L),
        Arguments.of("1h", 3_600_000_000_000L), Arguments.of("30m", 1_800_000_000_000L),
        Arguments.of("720h", 2_592_000_000_000_000L), Arguments.of("1.5h", 5_400_000_000_000L),
        Arguments.of("3h30m", 12_600_000_000_000L), Arguments.of("10.5s4m", 250_500_000_000L),
        Arguments.of("-2m3.4s", -123_400_000_000L), Arguments.of("1h2m3s4ms5us6ns", 3_723_004_005_006L),
        Arguments.of("39h9m14.425s", 140_954_425_000_000L), Arguments.of("52763797000ns", 52_763_797_000L),
        Arguments.of("0.3333333333333333333h", 1_200_000_000_000L),
        Arguments.of("9007199254740993ns", 9_007_199_254_740_993L),
        Arguments.of("9223372036854775807ns", Long.MAX_VALUE), Arguments.of("9223372036854775.807us", Long.MAX_VALUE),
        Arguments.of("9223372036854ms775us807ns", Long.MAX_VALUE),
        Arguments.of("-9223372036854775808ns", Long.MIN_VALUE), Arguments.of("-9223372036854775.808us", Long.MIN_VALUE),
        Arguments.of("0.100000000000000000000h", 360_000_000_000L),
        Arguments.of("0.830103483285477580700h", 2_988_372_539_827L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesLikeGo(String text, long nanos) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "3", "-", "+", "s", ".", "-.", ".s", "+.s", "1d", "1h-5m", "1 h", " 1h", "1h ", "1H",
      "\u0085\u0085", "hello \u00ffff world", "9223372036854775808ns", "9223372036854775.808us",
      "9223372036854ms775us808ns", "-9223372036854775809ns", "1e3s", "0x10s", "--1s", "1.2.3s"})
  void rejectsWhatGoRejects(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid duration \"" + text + "\"");
  }

  @Test
  void namesTheProblem() {
    assertThatThrownBy(() -> Durations.parse("5")).hasMessage("invalid duration \"5\": missing unit (one of ns, us, ms, s, m, h)");
    assertThatThrownBy(() -> Durations.parse("1d")).hasMessage("invalid duration \"1d\": unknown unit \"d\"");
    assertThatThrownBy(() -> Durations.parse(null)).hasMessage("duration is missing");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0|0s", "1|1ns", "1100|1.1\u00b5s", "2200000|2.2ms", "3300000000|3.3s", "245000000000|4m5s",
      "245001000000|4m5.001s", "18367001000000|5h6m7.001s", "480000000001|8m0.000000001s",
      "9223372036854775807|2562047h47m16.854775807s", "-9223372036854775808|-2562047h47m16.854775808s",
      "3600000000000|1h0m0s", "-1|-1ns", "300000000000|5m0s", "86400000000000|24h0m0s", "999|999ns",
      "1000|1\u00b5s", "1000000|1ms", "1000000000|1s"})
  void formatsLikeGo(long nanos, String text) {
    assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(text);
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @Test
  void refusesToFormatBeyondGosRange() {
    assertThatThrownBy(() -> Durations.format(Duration.ofDays(365L * 300))).hasMessageContaining("64-bit");
  }
}
