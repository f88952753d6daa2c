package dev.signet.common.svid;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.FuzzSeeds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Fuzzes {@link JwtSvidValidator#validate}, the check every presented JWT-SVID goes through: any token either
 * validates (then its subject is in the trust domain whose bundle holds the key and the audience is the one
 * asked for) or is refused with {@link SvidValidationException}. The bundle of {@code example.org}
 * ({@code jwt-fuzz-bundle.json}) holds the public halves of the keys that signed the seed tokens under
 * {@code JwtSvidFuzzTestInputs/}, so the seeds reach the signature and claim checks.
 */
class JwtSvidFuzzTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final BundleSource BUNDLES = BundleSource.of(bundle());

  private static Bundle bundle() {
    try (InputStream in = JwtSvidFuzzTest.class.getResourceAsStream("jwt-fuzz-bundle.json")) {
      return JwksCodec.decode(TD, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  void validate(byte[] bytes) {
    // Jazzer reads only a byte[] parameter raw, so the seed files stay plain text
    String token = bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    JwtSvidClaims claims;
    try {
      claims = JwtSvidValidator.validate(token, BUNDLES, "fuzz", NOW);
    } catch (SvidValidationException refused) {
      return;
    }
    assertThat(claims.subject().memberOf(TD)).isTrue();
    assertThat(claims.audience()).contains("fuzz");
    assertThat(claims.expiresAt()).isAfter(NOW);
  }

  /** The signed seeds get through every check, so the fuzzer starts from inputs that reach the claim checks. */
  @Test
  void theSignedSeedsValidate() {
    for (String name : java.util.List.of("valid-es256", "valid-ps256")) {
      String token = FuzzSeeds.text(JwtSvidFuzzTest.class, "validate", name);
      assertThat(JwtSvidValidator.validate(token, BUNDLES, "fuzz", NOW).subject())
          .hasToString("spiffe://example.org/workload");
    }
  }
}
