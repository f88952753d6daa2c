package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import dev.signet.attestors.node.FuzzedAttestation;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.FuzzSeeds;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzzes the server half of aws_iid with the attestation payload an agent sends: the JSON envelope, the base64
 * PKCS#7 {@code rsa2048} signature (BouncyCastle's CMS parser) and the instance identity document it covers.
 * Either the node is attested under {@code /spire/agent/aws_iid/} or the payload is refused with
 * {@link AttestationException}; nothing else escapes. {@code fuzz/aws-us-east-1.pem} is a self-signed stand-in for
 * AWS's certificate of us-east-1 (its key signed the seed documents and was thrown away); DescribeInstances is
 * skipped, so the fuzzer never reaches a network.
 */
class AwsIidFuzzTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final AwsIidNodeAttestor SERVER = server();

  private static AwsIidNodeAttestor server() {
    Path certificate;
    try {
      certificate = Path.of(AwsIidFuzzTest.class.getResource("fuzz/aws-us-east-1.pem").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    AwsIidConfig config = AwsIidConfig.parse(ConfigSection.of("plugin_data", Map.of(
        "aws_ca_certificate_paths", Map.of("us-east-1", certificate.toString()),
        "account_allow_list", List.of("123456789012"), "skip_describe_instances", true)));
    return new AwsIidNodeAttestor(config, AwsCaCertificates.load(config.caCertificatePaths()), new NoEc2(), null, null,
        Clock.systemUTC());
  }

  /** With skip_describe_instances, EC2 must never be asked. */
  private static final class NoEc2 implements Ec2Api {
    @Override
    public Optional<Instance> describeInstance(String region, String accountId, String instanceId) {
      throw new AssertionError("DescribeInstances called although skip_describe_instances is set");
    }

    @Override
    public List<String> instanceProfileRoleArns(String region, String accountId, String instanceProfileName) {
      throw new AssertionError("GetInstanceProfile called although skip_describe_instances is set");
    }
  }

  @FuzzTest
  void payload(byte[] payload) {
    FuzzedAttestation.of(() -> SERVER.attest(TD, FuzzedAttestation.bytes(payload),
        FuzzedAttestation.noChallenge("aws_iid"))).ifPresent(result -> assertThat(result.agentId().toString())
        .startsWith("spiffe://example.org/spire/agent/aws_iid/123456789012/"));
  }

  /** Both signed seeds attest, so the fuzzer starts from payloads whose signatures verify. */
  @Test
  void theSignedSeedsAttest() {
    for (String name : List.of("valid-encapsulated", "valid-detached")) {
      byte[] seed = FuzzSeeds.bytes(AwsIidFuzzTest.class, "payload", name);
      assertThat(SERVER.attest(TD, seed, challenge -> new byte[0]).agentId()).hasToString(
          "spiffe://example.org/spire/agent/aws_iid/123456789012/us-east-1/i-0123456789abcdef0");
    }
  }
}
