package dev.signet.attestors.node.k8s;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.util.List;
import java.util.Set;

/**
 * One entry of {@code clusters} in {@code NodeAttestor "k8s_sat"}'s {@code plugin_data} as checked by the pure
 * {@code parse}: the key file is only named here; {@link #load} reads it when the plugin is created.
 *
 * @param serviceAccounts {@code service_account_allow_list} (required)
 * @param useTokenReviewApi {@code use_token_review_api_validation}
 * @param kubeConfigFile {@code kube_config_file}; empty means in-cluster configuration
 * @param keyFile {@code service_account_key_file}: required without the TokenReview API, ignored with it (as
 *     in SPIRE), then empty
 * @param audiences {@code audience}
 */
record SatClusterConfig(String name, Set<String> serviceAccounts, boolean useTokenReviewApi, String kubeConfigFile,
    String keyFile, List<String> audiences) {
  SatClusterConfig {
    serviceAccounts = Set.copyOf(serviceAccounts);
    audiences = List.copyOf(audiences);
  }

  /** Checks one cluster block; reads no file. */
  static SatClusterConfig from(String name, ConfigSection data) {
    Set<String> accounts = ClusterConfigs.allowList(name, data);
    boolean useTokenReviewApi = data.getBool("use_token_review_api_validation", false);
    String keyFile = data.getString("service_account_key_file", "");
    String kubeConfigFile = data.getString("kube_config_file", "");
    List<String> audiences = data.getList("audience");
    ClusterConfigs.requireNoUnknownKeys(name, data);
    if (useTokenReviewApi) {
      return new SatClusterConfig(name, accounts, true, kubeConfigFile, "", List.of());
    }
    if (keyFile.isEmpty()) {
      throw new ConfigException("cluster \"" + name
          + "\" needs a service_account_key_file (or use_token_review_api_validation = true)");
    }
    return new SatClusterConfig(name, accounts, false, kubeConfigFile, keyFile, audiences);
  }

  /** The cluster with its service account keys read from {@link #keyFile} (none with the TokenReview API). */
  SatCluster load() {
    if (useTokenReviewApi) {
      return new SatCluster(name, serviceAccounts, true, kubeConfigFile, List.of());
    }
    return new SatCluster(name, serviceAccounts, false, kubeConfigFile, ServiceAccountKeys.load(name, keyFile),
        audiences);
  }
}
