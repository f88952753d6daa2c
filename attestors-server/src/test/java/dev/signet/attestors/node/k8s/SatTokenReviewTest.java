package dev.signet.attestors.node.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * k8s_sat with {@code use_token_review_api_validation}: the API server (fabric8's mock) decides; the token
 * is opaque to the attestor.
 */
class SatTokenReviewTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

  private KubernetesMockServer server;
  private KubernetesClient client;
  private SatNodeAttestor attestor;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(false);
    server.init();
    client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
        .withRequestRetryBackoffLimit(0).build()).build();
    SatCluster cluster = new SatCluster("prod", Set.of("spire:spire-agent"), true, "", List.of());
    attestor = new SatNodeAttestor(Map.of("prod", cluster), Map.of("prod", client), Clock.systemUTC(), UUID::randomUUID);
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private void tokenReviewAnswers(boolean authenticated, String username) {
    TokenReview review = new TokenReviewBuilder().withNewStatus().withAuthenticated(authenticated)
        .withNewUser().withUsername(username).endUser().endStatus().build();
    server.expect().post().withPath(TOKEN_REVIEWS).andReturn(201, review).always();
  }

  private AttestResult attest() {
    return attestor.attest(TD, new K8sAttestationData("prod", "opaque-token").encode(), c -> new byte[0]);
  }

  @Test
  void theApiServersVerdictNamesTheServiceAccount() throws Exception {
    tokenReviewAnswers(true, "system:serviceaccount:spire:spire-agent");
    AttestResult result = attest();

    assertThat(result.agentId().path()).startsWith("/spire/agent/k8s_sat/prod/");
    assertThat(result.selectors()).extracting(Selector::toString).containsExactly(
        "k8s_sat:cluster:prod", "k8s_sat:agent_ns:spire", "k8s_sat:agent_sa:spire-agent");
    assertThat(result.canReattest()).isFalse();
    var request = server.takeRequest(1, TimeUnit.SECONDS);
    assertThat(request.getPath()).isEqualTo(TOKEN_REVIEWS);
    assertThat(request.getBody().readUtf8()).contains("\"token\":\"opaque-token\"").doesNotContain("spire-server");
  }

  @Test
  void anUnauthenticatedTokenIsRefused() {
    tokenReviewAnswers(false, "");
    assertDenied("token review in cluster \"prod\" failed");
  }

  @Test
  void anAuthenticatedAccountOffTheAllowListOrAUserIsRefused() {
    tokenReviewAnswers(true, "system:serviceaccount:default:builder");
    assertDenied("\"default:builder\" is not allowed");
    server.clearExpectations();
    tokenReviewAnswers(true, "alice@example.org");
    assertDenied("not a service account token");
  }

  @Test
  void anUnreachableApiServerIsUnavailable() {
    server.destroy();
    assertThatThrownBy(this::attest).isInstanceOf(AttestationException.class)
        .satisfies(e -> assertThat(((AttestationException) e).kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE));
  }

  private void assertDenied(String message) {
    assertThatThrownBy(this::attest).isInstanceOf(AttestationException.class).hasMessageContaining(message)
        .satisfies(e -> assertThat(((AttestationException) e).kind()).isEqualTo(AttestationException.Kind.PERMISSION_DENIED));
  }
}
