package dev.signet.common.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.signet.common.spiffe.TrustDomain;

/**
 * Fuzzes {@link JwksCodec#decode}, the reader of SPIFFE bundle documents fetched from federated bundle
 * endpoints: any text either decodes to a bundle or is refused with {@link BundleFormatException}; a decoded
 * bundle encodes to a document that decodes to an equal bundle. Regression mode runs the inputs under
 * {@code JwksFuzzTestInputs/}.
 */
class JwksFuzzTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");

  @FuzzTest
  void decode(String json) {
    Bundle bundle;
    try {
      bundle = JwksCodec.decode(TD, json);
    } catch (BundleFormatException refused) {
      return;
    }
    assertThat(JwksCodec.decode(TD, JwksCodec.encode(bundle))).isEqualTo(bundle);
    assertThat(JwksCodec.decode(TD, JwksCodec.encodeIndented(bundle))).isEqualTo(bundle);
  }
}
