package dev.signet.attestors.node.k8s;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;

/**
 * One entry of {@code clusters} in {@code NodeAttestor "k8s_sat"}'s {@code plugin_data}, with SPIRE's keys.
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

  static SatCluster from(String name, ConfigSection data) {
    Set<String> accounts = ClusterConfigs.allowList(name, data);
    boolean useTokenReviewApi = data.getBool("use_token_review_api_validation", false);
    String keyFile = data.getString("service_account_key_file", "");
    String kubeConfigFile = data.getString("kube_config_file", "");
    List<String> audiences = data.getList("audience");
    ClusterConfigs.requireNoUnknownKeys(name, data);
    if (useTokenReviewApi) {
      return new SatCluster(name, accounts, true, kubeConfigFile, List.of());
    }
    if (keyFile.isEmpty()) {
      throw new ConfigException("cluster \"" + name
          + "\" needs a service_account_key_file (or use_token_review_api_validation = true)");
    }
    return new SatCluster(name, accounts, false, kubeConfigFile, ServiceAccountKeys.load(name, keyFile), audiences);
  }
}
