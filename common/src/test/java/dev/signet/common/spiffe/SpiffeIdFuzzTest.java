package dev.signet.common.spiffe;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link SpiffeId#parse} and {@link TrustDomain#parse}: any string either parses to a value whose
 * string form parses back to an equal value, or is refused with {@link InvalidSpiffeIdException}. Any other
 * throwable fails the test. Regression mode runs the inputs under {@code SpiffeIdFuzzTestInputs/}.
 */
class SpiffeIdFuzzTest {
  @FuzzTest
  void parse(String text) {
    SpiffeId id;
    try {
      id = SpiffeId.parse(text);
    } catch (InvalidSpiffeIdException refused) {
      return;
    }
    assertThat(SpiffeId.parse(id.toString())).isEqualTo(id);
    assertThat(id.toString()).isEqualTo(text);
  }

  @FuzzTest
  void parseTrustDomain(String text) {
    TrustDomain domain;
    try {
      domain = TrustDomain.parse(text);
    } catch (InvalidSpiffeIdException refused) {
      return;
    }
    assertThat(TrustDomain.parse(domain.name())).isEqualTo(domain);
    assertThat(TrustDomain.parse(domain.idString())).isEqualTo(domain);
  }
}
