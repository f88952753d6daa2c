package dev.signet.attestors.node.k8s;

import java.security.PublicKey;
import java.util.List;
import java.util.Set;

/**
 * One cluster of {@code NodeAttestor "k8s_sat"} as the created plugin uses it: {@link SatClusterConfig} with the
 * service account keys read.
 *
 * @param serviceAccounts {@code service_account_allow_list}: {@code namespace:name} of the agents' service
 *     accounts (required)
 * @param useTokenReviewApi {@code use_token_review_api_validation}: ask the API server (TokenReview) instead
 *     of verifying the token locally
 * @param kubeConfigFile {@code kube_config_file}: the API server to ask; empty means in-cluster configuration
 * @param keys from {@code service_account_key_file}: the keys that sign the cluster's service account tokens
 *     (required without the TokenReview API, ignored with it, as in SPIRE)
 */
record SatCluster(String name, Set<String> serviceAccounts, boolean useTokenReviewApi, String kubeConfigFile,
    List<PublicKey> keys, List<String> audiences) {
  SatCluster {
    serviceAccounts = Set.copyOf(serviceAccounts);
    keys = List.copyOf(keys);
    audiences = List.copyOf(audiences);
  }

  SatCluster(String name, Set<String> serviceAccounts, boolean useTokenReviewApi, String kubeConfigFile,
      List<PublicKey> keys) {
    this(name, serviceAccounts, useTokenReviewApi, kubeConfigFile, keys, List.of());
  }
}
