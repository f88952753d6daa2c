package dev.signet.common.spiffe;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link SpiffeId#parse} and {@link TrustDomain#parse}: any string either parses to a value whose
 * string form parses back to an equal value, or is refused with {@link InvalidSpiffeIdException}. Any other
 * throwable fails the test. Regression mode runs the inputs under {@code SpiffeIdFuzzTestInputs/}.
 */
class SpiffeIdFuzzTest {
  @FuzzTest
  void parse(byte[] bytes) {
    String text = utf8(bytes);
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
  void parseTrustDomain(byte[] bytes) {
    String text = utf8(bytes);
    TrustDomain domain;
    try {
      domain = TrustDomain.parse(text);
    } catch (InvalidSpiffeIdException refused) {
      return;
    }
    assertThat(TrustDomain.parse(domain.name())).isEqualTo(domain);
    assertThat(TrustDomain.parse(domain.idString())).isEqualTo(domain);
  }

  /** The input as text; Jazzer reads only a {@code byte[]} parameter raw, so the seed files stay plain text. */
  static String utf8(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
