package dev.signet.ca.x509;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.signet.common.testing.FuzzSeeds;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link CsrParser#parse}, the first thing the server does with a CSR an agent or a workload sends:
 * any bytes either give a verified request or are refused with {@link InvalidCsrException}, never another
 * exception out of BouncyCastle's ASN.1 layer. The seeds under {@code CsrParserFuzzTestInputs/} are real
 * CSRs (EC P-256 with SANs, RSA-PSS, a CA request, a refused curve, a short RSA key).
 */
class CsrParserFuzzTest {
  @FuzzTest
  void parse(byte[] der) {
    ParsedCsr csr;
    try {
      csr = CsrParser.parse(der);
    } catch (InvalidCsrException refused) {
      return;
    }
    assertThat(csr.publicKey().getAlgorithm()).isIn("EC", "RSA");
  }

  /** The valid seeds parse, so the fuzzer starts from CSRs whose signatures verify. */
  @Test
  void theValidSeedsParse() throws InvalidCsrException {
    assertThat(CsrParser.parse(seed("parse", "ec-p256-with-sans")).uriSans()).containsExactly("spiffe://example.org/w");
    assertThat(CsrParser.parse(seed("parse", "rsa-2048-pss")).publicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(CsrParser.parse(seed("parse", "ec-p384-asks-for-ca")).requestsCa()).isTrue();
  }

  private static byte[] seed(String method, String name) {
    return FuzzSeeds.bytes(CsrParserFuzzTest.class, method, name);
  }
}
