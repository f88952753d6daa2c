package dev.signet.attestors.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s_psat against fabric8's Kubernetes mock server: pods and nodes in CRUD mode, TokenReview answered as
 * the API server would. Both halves: the agent's payload from its token file.
 */
class PsatNodeAttestorTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");

  @TempDir Path temp;
  private PsatMockApi api;
  private KubernetesClient client;
  private String nodeUid;
  private String podUid;

  @BeforeEach
  void start() {
    api = new PsatMockApi();
    client = api.client();
    nodeUid = client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").withUid("node-uid-1")
        .addToLabels("topology.kubernetes.io/zone", "eu-1a").addToLabels("secret-label", "x").endMetadata().build())
        .create().getMetadata().getUid();
    podUid = client.pods().inNamespace("spire").resource(new PodBuilder().withNewMetadata().withName("spire-agent-abc")
        .withNamespace("spire").withUid("pod-uid-1").addToLabels("app", "spire-agent").endMetadata()
        .withNewSpec().withNodeName("node-1").withServiceAccountName("spire-agent").endSpec()
        .withNewStatus().withHostIP("10.0.0.5").endStatus().build()).create().getMetadata().getUid();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void tokenReviewAnswers(boolean authenticated, String username, String podName, String podUid) {
    api.tokenReviewAnswers(authenticated, username, podName, podUid, List.of("spire-server"));
  }

  private PsatNodeAttestor attestor(List<String> allowed) {
    PsatCluster cluster = new PsatCluster("prod", Set.copyOf(allowed), List.of("spire-server"), "",
        Set.of("topology.kubernetes.io/zone"), Set.of("app"));
    return new PsatNodeAttestor(Map.of("prod", cluster), Map.of("prod", client));
  }

  private byte[] payload(String cluster) throws Exception {
    Path token = temp.resolve("token");
    Files.writeString(token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c3BpcmU6c3BpcmUtYWdlbnQifQ.c2ln\n");
    return new K8sTokenAttestorClient(PsatNodeAttestor.NAME, cluster, token).payload();
  }

  @Test
  void anAllowedAgentPodIsAttestedWithSpiresIdAndSelectors() throws Exception {
    tokenReviewAnswers(true, "system:serviceaccount:spire:spire-agent", "spire-agent-abc", podUid);
    AttestResult result = attestor(List.of("spire:spire-agent")).attest(TD, payload("prod"), c -> new byte[0]);

    assertThat(result.agentId().toString()).isEqualTo("spiffe://example.org/spire/agent/k8s_psat/prod/" + nodeUid);
    assertThat(result.selectors()).extracting(Selector::toString).containsExactlyInAnyOrder(
        "k8s_psat:cluster:prod", "k8s_psat:agent_ns:spire", "k8s_psat:agent_sa:spire-agent",
        "k8s_psat:agent_pod_name:spire-agent-abc", "k8s_psat:agent_pod_uid:" + podUid,
        "k8s_psat:agent_node_ip:10.0.0.5", "k8s_psat:agent_node_name:node-1", "k8s_psat:agent_node_uid:" + nodeUid,
        "k8s_psat:agent_node_label:topology.kubernetes.io/zone:eu-1a", "k8s_psat:agent_pod_label:app:spire-agent");
    assertThat(result.canReattest()).isTrue();
    assertThat(tokenReviewRequestBody()).contains("\"audiences\":[\"spire-server\"]").contains("eyJhbGciOiJSUzI1NiJ9");
  }

  @Test
  void refusedTokensAccountsClustersAndPodsAreDenied() throws Exception {
    tokenReviewAnswers(true, "system:serviceaccount:spire:spire-agent", "spire-agent-abc", podUid);
    assertDenied(() -> attestor(List.of("spire:other")).attest(TD, payload("prod"), c -> new byte[0]), "not allowed");
    assertDenied(() -> attestor(List.of("spire:spire-agent")).attest(TD, payload("staging"), c -> new byte[0]),
        "not configured");

    api.server().clearExpectations();
    tokenReviewAnswers(false, "", "", "");
    assertDenied(() -> attestor(List.of("spire:spire-agent")).attest(TD, payload("prod"), c -> new byte[0]),
        "token review");

    api.server().clearExpectations();
    tokenReviewAnswers(true, "system:serviceaccount:spire:spire-agent", "spire-agent-abc", "an-older-pod-uid");
    assertDenied(() -> attestor(List.of("spire:spire-agent")).attest(TD, payload("prod"), c -> new byte[0]),
        "no longer exists");

    // A review for another audience, or with none (valid for the API server's own audience only), is refused.
    for (List<String> audiences : List.of(List.of("vault"), List.<String>of())) {
      api.server().clearExpectations();
      api.tokenReviewAnswers(true, "system:serviceaccount:spire:spire-agent", "spire-agent-abc", podUid, audiences);
      assertDenied(() -> attestor(List.of("spire:spire-agent")).attest(TD, payload("prod"), c -> new byte[0]),
          "audiences");
    }

    api.server().clearExpectations();
    tokenReviewAnswers(true, "system:node:node-1", "spire-agent-abc", podUid);
    assertDenied(() -> attestor(List.of("spire:spire-agent")).attest(TD, payload("prod"), c -> new byte[0]),
        "not a service account");
  }

  @Test
  void malformedPayloadsAreInvalidAndAnUnreachableApiIsUnavailable() {
    PsatNodeAttestor attestor = attestor(List.of("spire:spire-agent"));
    for (String bad : List.of("nope", "{\"cluster\":\"prod\"}", "{\"token\":\"t\"}", "{\"cluster\":\"prod\",\"token\":\"t\",\"x\":1}")) {
      assertThatThrownBy(() -> attestor.attest(TD, bad.getBytes(StandardCharsets.UTF_8), c -> new byte[0])).as(bad)
          .isInstanceOf(AttestationException.class)
          .satisfies(e -> assertThat(((AttestationException) e).kind()).isEqualTo(AttestationException.Kind.INVALID_ARGUMENT));
    }
    api.server().destroy();
    assertThatThrownBy(() -> attestor.attest(TD, payload("prod"), c -> new byte[0]))
        .isInstanceOf(AttestationException.class)
        .satisfies(e -> assertThat(((AttestationException) e).kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE));
  }

  @Test
  void configNeedsClustersWithAllowLists() {
    assertThatThrownBy(() -> PsatNodeAttestor.create(ConfigSection.of("plugin_data", Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster");
    assertThatThrownBy(() -> PsatNodeAttestor.create(ConfigSection.of("plugin_data",
        Map.of("clusters", Map.of("prod", Map.of("audience", List.of("x")))))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("service_account_allow_list");
    assertThatThrownBy(() -> PsatNodeAttestor.create(ConfigSection.of("plugin_data",
        Map.of("clusters", Map.of("prod", Map.of("service_account_allow_list", List.of("no-colon")))))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no-colon");
    assertThatThrownBy(() -> K8sTokenAttestorClient.psat(ConfigSection.of("plugin_data", Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster is required");
  }

  /** The body of the TokenReview the attestor posted (earlier requests are the test's own CRUD set-up). */
  private String tokenReviewRequestBody() throws InterruptedException {
    for (var request = api.server().takeRequest(1, TimeUnit.SECONDS); request != null;
        request = api.server().takeRequest(1, TimeUnit.SECONDS)) {
      if (request.getPath().equals(PsatMockApi.TOKEN_REVIEWS) && request.getMethod().equals("POST")) {
        return request.getBody().readUtf8();
      }
    }
    throw new AssertionError("no TokenReview was posted");
  }

  private void assertDenied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOf(AttestationException.class).hasMessageContaining(message)
        .satisfies(e -> assertThat(((AttestationException) e).kind()).isEqualTo(AttestationException.Kind.PERMISSION_DENIED));
  }
}
