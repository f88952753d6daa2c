package dev.signet.attestors.node.k8s;

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

/**
 * The API server the k8s_psat tests attest against: fabric8's Kubernetes mock server with pods and nodes in CRUD
 * mode (it assigns the uids of what the test creates) and TokenReview answered as the test says, with a client
 * that does not retry (so an unreachable API fails at once).
 */
final class PsatMockApi implements AutoCloseable {
  static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  PsatMockApi() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
        .withRequestRetryBackoffLimit(0).build()).build();
  }

  /** The client the attestor under test is given. */
  KubernetesClient client() {
    return client;
  }

  /** The mock server, for the requests it took and to stop it early. */
  KubernetesMockServer server() {
    return server;
  }

  /**
   * Every TokenReview from now on answers {@code authenticated} for {@code username} with these audiences, bound
   * to the pod {@code podName} / {@code podUid} (the pod-name and pod-uid extras of a projected token).
   */
  void tokenReviewAnswers(boolean authenticated, String username, String podName, String podUid,
      List<String> audiences) {
    TokenReview review = new TokenReviewBuilder().withNewStatus().withAuthenticated(authenticated)
        .withAudiences(audiences).withNewUser().withUsername(username)
        .addToExtra("authentication.kubernetes.io/pod-name", List.of(podName))
        .addToExtra("authentication.kubernetes.io/pod-uid", List.of(podUid)).endUser().endStatus().build();
    server.expect().post().withPath(TOKEN_REVIEWS).andReturn(201, review).always();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
