package dev.signet.attestors.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import dev.signet.attestors.node.FuzzedAttestation;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.FuzzSeeds;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the server half of k8s_psat with the payload an agent sends (JSON with a cluster name and a projected
 * token), against fabric8's Kubernetes mock server whose TokenReview authenticates any token as
 * {@code spire:spire-agent} bound to an existing pod: the payload either attests that pod's node or is refused
 * with {@link AttestationException}; nothing else escapes.
 */
class PsatFuzzTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static PsatMockApi api;
  private static PsatNodeAttestor attestor;
  private static String nodeUid;

  @BeforeAll
  static void start() {
    api = new PsatMockApi();
    KubernetesClient client = api.client();
    nodeUid = client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build())
        .create().getMetadata().getUid();
    String podUid = client.pods().inNamespace("spire").resource(new PodBuilder().withNewMetadata()
        .withName("spire-agent-abc").withNamespace("spire").endMetadata().withNewSpec().withNodeName("node-1")
        .withServiceAccountName("spire-agent").endSpec().build()).create().getMetadata().getUid();
    api.tokenReviewAnswers(true, "system:serviceaccount:spire:spire-agent", "spire-agent-abc", podUid,
        List.of("spire-server"));
    attestor = new PsatNodeAttestor(Map.of("prod", new PsatCluster("prod", Set.of("spire:spire-agent"),
        List.of("spire-server"), "", Set.of(), Set.of())), Map.of("prod", client));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @FuzzTest
  void payload(byte[] payload) {
    FuzzedAttestation.of(() -> attestor.attest(TD, FuzzedAttestation.bytes(payload),
        FuzzedAttestation.noChallenge("k8s_psat"))).ifPresent(result -> assertThat(result.agentId().toString())
        .isEqualTo("spiffe://example.org/spire/agent/k8s_psat/prod/" + nodeUid));
  }

  /** The seed payload attests, so the fuzzer starts from the whole path. */
  @Test
  void theSeedPayloadAttests() {
    byte[] seed = FuzzSeeds.bytes(PsatFuzzTest.class, "payload", "bound-token");
    assertThat(attestor.attest(TD, seed, challenge -> new byte[0]).agentId())
        .hasToString("spiffe://example.org/spire/agent/k8s_psat/prod/" + nodeUid);
  }
}
