package dev.signet.attestors.node.x509pop;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import dev.signet.attestors.node.FuzzedAttestation;
import dev.signet.attestors.node.AttestResult;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.testing.FuzzSeeds;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Fuzzes the server half of x509pop with what an agent sends: the attestation payload (answered by an honest
 * agent holding the key of {@code fuzz/node.pem}, so a payload naming that certificate gets through) and the
 * challenge response (after a valid payload). Either attestation succeeds for an agent ID in the trust domain
 * or it is refused with {@link AttestationException}; nothing else escapes. {@code fuzz/} holds a test-only
 * PKI (root certificate, node certificate and its key) made for these tests.
 */
class X509PopFuzzTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final X509PopNodeAttestor SERVER = X509PopNodeAttestor.create(ConfigSection.of("plugin_data",
      Map.of("ca_bundle_path", resource("root.pem").toString())), BundleSource.of(), Clock.systemUTC());
  private static final X509PopAttestorClient AGENT = new X509PopAttestorClient(resource("node.pem"),
      resource("node.key"), null);

  private static Path resource(String name) {
    try {
      return Path.of(X509PopFuzzTest.class.getResource("fuzz/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest
  void payload(byte[] payload) {
    check(() -> SERVER.attest(TD, FuzzedAttestation.bytes(payload), AGENT::answer));
  }

  @FuzzTest
  void response(byte[] response) {
    check(() -> SERVER.attest(TD, AGENT.payload(), challenge -> FuzzedAttestation.bytes(response)));
  }

  private static void check(java.util.function.Supplier<AttestResult> attestation) {
    FuzzedAttestation.of(attestation).ifPresent(result -> assertThat(result.agentId().memberOf(TD)).isTrue());
  }

  /** The seed payload attests with the honest agent, so the fuzzer starts from the whole path. */
  @Test
  void theSeedPayloadAttests() {
    byte[] seed = FuzzSeeds.bytes(X509PopFuzzTest.class, "payload", "valid-node");
    assertThat(SERVER.attest(TD, seed, AGENT::answer).agentId().path())
        .startsWith("/spire/agent/x509pop/");
  }
}
