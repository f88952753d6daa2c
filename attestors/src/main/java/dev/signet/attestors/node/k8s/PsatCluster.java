package dev.signet.attestors.node.k8s;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.util.List;
import java.util.Set;

/**
 * One entry of {@code clusters} in {@code NodeAttestor "k8s_psat"}'s {@code plugin_data}, with SPIRE's keys.
 *
 * @param serviceAccounts {@code service_account_allow_list}: {@code namespace:name} of the agents' service
 *     accounts (required)
 * @param audiences {@code audience}: what the projected token must be issued for (default {@code spire-server})
 * @param kubeConfigFile {@code kube_config_file}: the API server to ask; empty means in-cluster configuration
 * @param nodeLabelKeys {@code allowed_node_label_keys} and {@code podLabelKeys} {@code allowed_pod_label_keys}:
 *     the labels that become selectors
 */
public record PsatCluster(String name, Set<String> serviceAccounts, List<String> audiences, String kubeConfigFile,
    Set<String> nodeLabelKeys, Set<String> podLabelKeys) {

  static PsatCluster from(String name, ConfigSection data) {
    List<String> accounts = data.getList("service_account_allow_list");
    if (accounts.isEmpty()) {
      throw new ConfigException("NodeAttestor \"k8s_psat\": cluster \"" + name
          + "\" needs a service_account_allow_list");
    }
    for (String account : accounts) {
      if (account.split(":", -1).length != 2 || account.startsWith(":") || account.endsWith(":")) {
        throw new ConfigException("NodeAttestor \"k8s_psat\": cluster \"" + name + "\": service account \"" + account
            + "\" is not namespace:name");
      }
    }
    List<String> audiences = data.getList("audience");
    PsatCluster cluster = new PsatCluster(name, Set.copyOf(accounts),
        audiences.isEmpty() ? List.of("spire-server") : audiences, data.getString("kube_config_file", ""),
        Set.copyOf(data.getList("allowed_node_label_keys")), Set.copyOf(data.getList("allowed_pod_label_keys")));
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("NodeAttestor \"k8s_psat\": cluster \"" + name + "\": unknown keys " + data.unknownKeys());
    }
    return cluster;
  }
}
