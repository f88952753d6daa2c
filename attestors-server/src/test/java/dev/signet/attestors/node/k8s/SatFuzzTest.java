package dev.signet.attestors.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import dev.signet.attestors.node.FuzzedAttestation;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.FuzzSeeds;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Fuzzes the server half of k8s_sat with local token verification: the payload JSON and the service account
 * token in it (a JWT checked against the cluster's keys) either attest {@code spire:spire-agent} of cluster
 * {@code prod} or are refused with {@link AttestationException}; nothing else escapes. The seeds are real tokens
 * signed with the keys whose public halves are in {@code fuzz/service-account-keys.pem} (the private halves were
 * thrown away once the seeds were signed).
 */
class SatFuzzTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final UUID AGENT_UUID = UUID.fromString("6a2b5c1e-0c3f-4f5e-9a7b-2d1c3e4f5a6b");
  private static final SatNodeAttestor SERVER = new SatNodeAttestor(Map.of("prod", new SatCluster("prod",
      Set.of("spire:spire-agent"), false, "", keys())), Map.of(),
      Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC), () -> AGENT_UUID);

  private static List<PublicKey> keys() {
    try (InputStream in = SatFuzzTest.class.getResourceAsStream("fuzz/service-account-keys.pem")) {
      String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      return Arrays.stream(pem.split("(?<=-----END PUBLIC KEY-----)")).filter(block -> !block.isBlank())
          .map(PemCodec::decodePublicKey).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  void payload(byte[] payload) {
    FuzzedAttestation.of(() -> SERVER.attest(TD, FuzzedAttestation.bytes(payload),
        FuzzedAttestation.noChallenge("k8s_sat"))).ifPresent(result -> assertThat(result.agentId().toString())
        .isEqualTo("spiffe://example.org/spire/agent/k8s_sat/prod/" + AGENT_UUID));
  }

  /** The signed seeds attest, so the fuzzer starts from tokens whose signatures verify. */
  @Test
  void theSignedSeedsAttest() {
    for (String name : List.of("legacy-rsa-token", "bound-ec-token")) {
      byte[] seed = FuzzSeeds.bytes(SatFuzzTest.class, "payload", name);
      assertThat(SERVER.attest(TD, seed, challenge -> new byte[0]).selectors())
          .extracting(Object::toString).contains("k8s_sat:agent_sa:spire-agent");
    }
  }
}
