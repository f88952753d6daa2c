package dev.signet.attestors.node.k8s;

import dev.signet.attestors.node.AttestationException;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.function.Function;

/**
 * One cluster's API server as the Kubernetes node attestors use it: TokenReview, and reads whose failures
 * become UNAVAILABLE (the agent may try again) rather than a refusal.
 *
 * @param plugin the attestor's name and {@code cluster} the cluster's, for messages
 */
record KubernetesApi(String plugin, String cluster, KubernetesClient client) {

  /**
   * Asks the API server to review {@code token}.
   *
   * @param audiences what the token must be issued for; empty means the API server's own audience
   * @return the review of an authenticated token
   * @throws AttestationException PERMISSION_DENIED when the API server does not authenticate the token,
   *     UNAVAILABLE when it cannot be asked
   */
  TokenReviewStatus review(String token, List<String> audiences) {
    TokenReview request = new TokenReviewBuilder().withNewSpec().withToken(token)
        .withAudiences(audiences).endSpec().build();
    TokenReview response = call(c -> c.resource(request).create());
    TokenReviewStatus status = response == null ? null : response.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      String why = status == null || status.getError() == null || status.getError().isEmpty()
          ? "not authenticated" : status.getError();
      throw AttestationException.denied(plugin + ": token review in cluster \"" + cluster + "\" failed: " + why);
    }
    return status;
  }

  /** The service account an authenticated review names. */
  ServiceAccount serviceAccount(TokenReviewStatus review) {
    return ServiceAccount.fromUsername(plugin, review.getUser() == null ? null : review.getUser().getUsername());
  }

  /** Runs one API request; a failing API server is UNAVAILABLE. */
  <T> T call(Function<KubernetesClient, T> request) {
    try {
      return request.apply(client);
    } catch (KubernetesClientException e) {
      throw AttestationException.unavailable(plugin + ": Kubernetes API of cluster \"" + cluster + "\" failed: "
          + e.getMessage());
    }
  }
}
