package dev.signet.common.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.FuzzSeeds;

/**
 * Fuzzes {@link JwksCodec#decode}, the reader of SPIFFE bundle documents fetched from federated bundle
 * endpoints: any text either decodes to a bundle or is refused with {@link BundleFormatException}; a decoded
 * bundle encodes to a document that decodes to an equal bundle. Regression mode runs the inputs under
 * {@code JwksFuzzTestInputs/}.
 */
class JwksFuzzTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");

  @FuzzTest
  void decode(byte[] bytes) {
    // Jazzer reads only a byte[] parameter raw, so the seed files stay plain JSON
    String json = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    Bundle bundle;
    try {
      bundle = JwksCodec.decode(TD, json);
    } catch (BundleFormatException refused) {
      return;
    }
    assertThat(JwksCodec.decode(TD, JwksCodec.encode(bundle))).isEqualTo(bundle);
    assertThat(JwksCodec.decode(TD, JwksCodec.encodeIndented(bundle))).isEqualTo(bundle);
  }

  /** The seed with both kinds of key decodes to both, so the fuzzer starts from a document that gets through. */
  @Test
  void theSeedBundleDecodes() {
    Bundle bundle = JwksCodec.decode(TD, FuzzSeeds.text(JwksFuzzTest.class, "decode", "x509-and-jwt-keys-with-hint"));
    assertThat(bundle.x509Authorities()).hasSize(1);
    assertThat(bundle.jwtAuthorities()).hasSize(1);
    assertThat(bundle.sequenceNumber()).isEqualTo(7);
    assertThat(bundle.refreshHint()).isEqualTo(Duration.ofMinutes(5));
  }
}
