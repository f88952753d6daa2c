package dev.signet.attestors.node.tpm;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.signet.attestors.node.FuzzedAttestation;
import dev.signet.attestors.node.AttestationException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.FuzzSeeds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes what the server half of tpm parses from an agent: the attestation payload (JSON carrying TPM 2.0
 * marshalled {@code TPMT_PUBLIC}s for the EK and the AK, parsed by TSS.Java), a public area on its own, and a quote
 * ({@code TPMS_ATTEST} and {@code TPMT_SIGNATURE}). Each either gives a value or is refused with
 * {@link AttestationException}; TSS.Java's assorted runtime exceptions must not escape. {@code fuzz/} holds an RSA EK
 * (trusted through {@code ek_hashes}) and an ECC AK as TPMT_PUBLIC bytes, made for these tests.
 */
class TpmFuzzTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final byte[] NONCE = new byte[32];
  private static final TpmPublicArea AK = TpmPublicArea.parse(resource("ak.tpmt"), "AK");
  private static final TpmNodeAttestor SERVER = TpmNodeAttestor.create(ConfigSection.of("plugin_data", Map.of(
      "ek_hashes", List.of(TpmPublicArea.parse(resource("ek-rsa.tpmt"), "EK").publicKeyHash()))), Clock.systemUTC());
  /** An answer that decodes but names the wrong secret, as an agent without the EK's TPM would send. */
  private static final byte[] WRONG_SECRET = ("{\"secret\":\"" + "A".repeat(43) + "=\"}").getBytes(StandardCharsets.US_ASCII);

  private static byte[] resource(String name) {
    try (InputStream in = TpmFuzzTest.class.getResourceAsStream("fuzz/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  void payload(byte[] payload) {
    FuzzedAttestation.of(() -> SERVER.attest(TD, FuzzedAttestation.bytes(payload), challenge -> WRONG_SECRET))
        .ifPresent(result -> {
          throw new AssertionError("attested without the EK's TPM: " + result);
        });
  }

  @FuzzTest
  void publicArea(byte[] bytes) {
    TpmPublicArea area;
    try {
      area = TpmPublicArea.parse(bytes, "public area");
    } catch (AttestationException refused) {
      assertThat(refused.kind()).isEqualTo(AttestationException.Kind.INVALID_ARGUMENT);
      return;
    }
    assertThat(TpmPublicArea.parse(area.area().toBytes(), "public area").publicKeyHash())
        .isEqualTo(area.publicKeyHash());
  }

  @FuzzTest
  void quote(byte[] json) {
    try {
      TpmProtocol.Quote quote = TpmProtocol.decode(json == null ? new byte[0] : json, TpmProtocol.Quote.class, "quote");
      QuoteVerifier.verify(AK, NONCE, List.of(0, 1), quote);
    } catch (AttestationException refused) {
      assertThat(refused.kind()).isNotEqualTo(AttestationException.Kind.INTERNAL);
      return;
    }
    throw new AssertionError("a quote verified without the AK's private key");
  }

  /** The trusted seed reaches the credential challenge, so the fuzzer starts past the payload checks. */
  @Test
  void theSeedPayloadReachesTheChallenge() {
    byte[] seed = FuzzSeeds.bytes(TpmFuzzTest.class, "payload", "rsa-ek-and-ak");
    assertThatThrownBy(() -> SERVER.attest(TD, seed, challenge -> WRONG_SECRET))
        .hasMessageContaining("credential activation answer is wrong");
  }
}
