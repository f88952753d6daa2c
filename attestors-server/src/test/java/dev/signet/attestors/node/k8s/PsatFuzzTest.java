package dev.signet.attestors.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.common.spiffe.TrustDomain;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
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
  private static KubernetesMockServer server;
  private static KubernetesClient client;
  private static PsatNodeAttestor attestor;
  private static String nodeUid;

  @BeforeAll
  static void start() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
        .withRequestRetryBackoffLimit(0).build()).build();
    // the mock server in CRUD mode assigns the uids itself
    nodeUid = client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build())
        .create().getMetadata().getUid();
    String podUid = client.pods().inNamespace("spire").resource(new PodBuilder().withNewMetadata()
        .withName("spire-agent-abc").withNamespace("spire").endMetadata().withNewSpec().withNodeName("node-1")
        .withServiceAccountName("spire-agent").endSpec().build()).create().getMetadata().getUid();
    TokenReview review = new TokenReviewBuilder().withNewStatus().withAuthenticated(true)
        .withAudiences("spire-server").withNewUser().withUsername("system:serviceaccount:spire:spire-agent")
        .addToExtra("authentication.kubernetes.io/pod-name", List.of("spire-agent-abc"))
        .addToExtra("authentication.kubernetes.io/pod-uid", List.of(podUid)).endUser().endStatus().build();
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReturn(201, review).always();
    attestor = new PsatNodeAttestor(Map.of("prod", new PsatCluster("prod", Set.of("spire:spire-agent"),
        List.of("spire-server"), "", Set.of(), Set.of())), Map.of("prod", client));
  }

  @AfterAll
  static void stop() {
    client.close();
    server.destroy();
  }

  @FuzzTest
  void payload(byte[] payload) {
    AttestResult result;
    try {
      result = attestor.attest(TD, payload == null ? new byte[0] : payload, challenge -> {
        throw new AssertionError("k8s_psat sent a challenge");
      });
    } catch (AttestationException refused) {
      assertThat(refused.kind()).isNotEqualTo(AttestationException.Kind.INTERNAL);
      return;
    }
    assertThat(result.agentId().toString()).isEqualTo("spiffe://example.org/spire/agent/k8s_psat/prod/" + nodeUid);
  }

  /** The seed payload attests, so the fuzzer starts from the whole path. */
  @Test
  void theSeedPayloadAttests() {
    assertThat(attestor.attest(TD, seed("payload", "bound-token"), challenge -> new byte[0]).agentId())
        .hasToString("spiffe://example.org/spire/agent/k8s_psat/prod/" + nodeUid);
  }

  private static byte[] seed(String method, String name) {
    try (java.io.InputStream in = PsatFuzzTest.class.getResourceAsStream("PsatFuzzTestInputs/" + method + "/" + name)) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
