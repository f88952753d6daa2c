package dev.signet.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import dev.signet.common.config.hcl.HclParser;
import dev.signet.common.config.hcl.HclSyntaxException;

/**
 * Fuzzes the config parsers: {@link HclDocument#parse} (HCL, or JSON when the text starts with a brace) either
 * returns a document or refuses the text with {@link ConfigException}, and {@link HclParser#parse} either returns
 * a syntax tree or throws {@link HclSyntaxException}; nothing else (no stack overflow on deep nesting, no index
 * errors in the scanner). Regression mode runs the inputs under {@code HclFuzzTestInputs/}.
 */
class HclFuzzTest {
  @FuzzTest
  void parse(byte[] bytes) {
    // Jazzer reads only a byte[] parameter raw, so the seed files stay plain text
    String text = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    try {
      HclDocument document = HclDocument.parse(text, "fuzz.conf");
      assertThat(document.tree()).isNotNull();
    } catch (ConfigException refused) {
      assertThat(refused).hasMessageStartingWith("fuzz.conf");
    }
    if (text == null) {
      return; // HclDocument.parse refuses null above; the syntax tree parser is only ever given text
    }
    try {
      assertThat(HclParser.parse(text)).isNotNull();
    } catch (HclSyntaxException refused) {
      assertThat(refused.line()).isPositive();
    }
  }
}
