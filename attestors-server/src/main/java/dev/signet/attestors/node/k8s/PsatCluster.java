package dev.signet.attestors.node.k8s;

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
    Set<String> accounts = ClusterConfigs.allowList(name, data);
    List<String> audiences = data.getList("audience");
    PsatCluster cluster = new PsatCluster(name, accounts,
        audiences.isEmpty() ? List.of("spire-server") : audiences, data.getString("kube_config_file", ""),
        Set.copyOf(data.getList("allowed_node_label_keys")), Set.copyOf(data.getList("allowed_pod_label_keys")));
    ClusterConfigs.requireNoUnknownKeys(name, data);
    return cluster;
  }
}
