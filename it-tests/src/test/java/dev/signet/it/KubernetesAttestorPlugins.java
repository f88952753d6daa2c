package dev.signet.it;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The HCL plugin blocks of the Kubernetes node attestors as the it-tests configure them against a
 * {@link FakeKubernetesApi}: the server's {@code k8s_psat} for one cluster reached through the fake's kubeconfig,
 * allowing the agent's service account {@code spire:spire-agent}, and the agent's side reading its token from a
 * file.
 */
final class KubernetesAttestorPlugins {
  /** The service account the tests' agents run as, the only one the server allows. */
  static final String AGENT_SERVICE_ACCOUNT = "spire:spire-agent";

  private KubernetesAttestorPlugins() {}

  /**
   * The server's {@code NodeAttestor "k8s_psat"} for {@code cluster}, asking the API server of {@code kubeconfig};
   * with {@code allowedNodeLabelKeys} the node labels it turns into selectors (none when empty).
   */
  static String psatServer(String cluster, Path kubeconfig, List<String> allowedNodeLabelKeys) {
    String labels = allowedNodeLabelKeys.isEmpty() ? "" : "\n                allowed_node_label_keys = ["
        + allowedNodeLabelKeys.stream().map(key -> "\"" + key + "\"").collect(Collectors.joining(", ")) + "]";
    return """
        NodeAttestor "k8s_psat" {
            plugin_data {
                clusters = {
                    "%s" = {
                        service_account_allow_list = ["%s"]
                        kube_config_file = "%s"%s
                    }
                }
            }
        }""".formatted(cluster, AGENT_SERVICE_ACCOUNT, kubeconfig, labels);
  }

  /** The agent's {@code NodeAttestor} of {@code type} ({@code k8s_psat} or {@code k8s_sat}) in {@code cluster}. */
  static String agent(String type, String cluster, Path token) {
    return """
        NodeAttestor "%s" {
            plugin_data {
                cluster = "%s"
                token_path = "%s"
            }
        }""".formatted(type, cluster, token);
  }
}
