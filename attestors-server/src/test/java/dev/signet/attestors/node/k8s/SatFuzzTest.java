package dev.signet.attestors.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.spiffe.TrustDomain;
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
    AttestResult result;
    try {
      result = SERVER.attest(TD, payload == null ? new byte[0] : payload, challenge -> {
        throw new AssertionError("k8s_sat sent a challenge");
      });
    } catch (AttestationException refused) {
      assertThat(refused.kind()).isNotEqualTo(AttestationException.Kind.INTERNAL);
      return;
    }
    assertThat(result.agentId().toString()).isEqualTo("spiffe://example.org/spire/agent/k8s_sat/prod/" + AGENT_UUID);
  }

  /** The signed seeds attest, so the fuzzer starts from tokens whose signatures verify. */
  @Test
  void theSignedSeedsAttest() {
    for (String name : List.of("legacy-rsa-token", "bound-ec-token")) {
      assertThat(SERVER.attest(TD, seed("payload", name), challenge -> new byte[0]).selectors())
          .extracting(Object::toString).contains("k8s_sat:agent_sa:spire-agent");
    }
  }

  private static byte[] seed(String method, String name) {
    try (java.io.InputStream in = SatFuzzTest.class.getResourceAsStream("SatFuzzTestInputs/" + method + "/" + name)) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
