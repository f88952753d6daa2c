package dev.signet.attestors.node.k8s;

import dev.signet.attestors.node.AgentIds;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.Challenger;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.attestors.node.NodeAttestorDependencies;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server half of {@code NodeAttestor "k8s_psat"}: the agent's projected service account token is
 * checked by the cluster's API server (TokenReview, with the configured audiences), its service account must
 * be on the cluster's allow-list, and the pod it is bound to is looked up for the node. Agent ID
 * {@code /spire/agent/k8s_psat/<cluster>/<node uid>}; selectors {@code k8s_psat:cluster}, {@code agent_ns},
 * {@code agent_sa}, {@code agent_pod_name}, {@code agent_pod_uid}, {@code agent_node_ip},
 * {@code agent_node_name}, {@code agent_node_uid}, and allowed {@code agent_node_label:<k>:<v>} and
 * {@code agent_pod_label:<k>:<v>}. Agents re-attest with a fresh token.
 */
public final class PsatNodeAttestor implements NodeAttestor {
  public static final String NAME = K8sNames.PSAT;
  private static final String POD_NAME = "authentication.kubernetes.io/pod-name";
  private static final String POD_UID = "authentication.kubernetes.io/pod-uid";

  private final Map<String, PsatCluster> clusters;
  private final Map<String, KubernetesApi> apis;

  PsatNodeAttestor(Map<String, PsatCluster> clusters, Map<String, KubernetesClient> clients) {
    this.clusters = Map.copyOf(clusters);
    this.apis = ClusterConfigs.apis(NAME, clients);
  }

  /**
   * The server half as its catalog knows it: the {@code clusters} parsed from {@code plugin_data}; the
   * Kubernetes clients are made by {@code create}. Agents may re-attest with a new token.
   */
  public static final PluginDescriptor<?, NodeAttestorDependencies, NodeAttestor> DESCRIPTOR =
      new BuiltIn<Map<String, PsatCluster>, NodeAttestorDependencies, NodeAttestor>(NAME,
          (data, core) -> ClusterConfigs.clusters(data, PsatCluster::from), (clusters, deps) -> create(clusters));

  /** From {@code plugin_data { clusters = { "<name>" = { … } } }}. */
  public static PsatNodeAttestor create(ConfigSection data) {
    return create(ClusterConfigs.clusters(data, PsatCluster::from));
  }

  private static PsatNodeAttestor create(Map<String, PsatCluster> clusters) {
    Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    clusters.values().forEach(cluster -> clients.put(cluster.name(),
        ClusterConfigs.client(cluster.name(), cluster.kubeConfigFile())));
    return new PsatNodeAttestor(clusters, clients);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AttestResult attest(TrustDomain trustDomain, byte[] payload, Challenger challenger) {
    K8sAttestationData data = K8sAttestationData.decode(NAME, payload);
    PsatCluster cluster = ClusterConfigs.cluster(NAME, clusters, data.cluster());
    KubernetesApi api = apis.get(cluster.name());
    TokenReviewStatus review = api.review(data.token(), cluster.audiences());
    // An empty status.audiences means "valid for the API server's own audience", not for ours.
    if (review.getAudiences() == null || cluster.audiences().stream().noneMatch(review.getAudiences()::contains)) {
      throw AttestationException.denied(NAME + ": token is for audiences " + review.getAudiences() + ", not "
          + cluster.audiences());
    }
    ServiceAccount account = api.serviceAccount(review);
    account.requireAllowed(NAME, cluster.name(), cluster.serviceAccounts());
    String namespace = account.namespace();
    String podName = extra(review, POD_NAME);
    String podUid = extra(review, POD_UID);
    if (podName.isEmpty() || podUid.isEmpty()) {
      throw AttestationException.denied(NAME + ": token is not bound to a pod (use a projected service account token)");
    }
    Pod pod = api.call(client -> client.pods().inNamespace(namespace).withName(podName).get());
    if (pod == null || !podUid.equals(pod.getMetadata().getUid())) {
      throw AttestationException.denied(NAME + ": pod " + namespace + "/" + podName + " (" + podUid
          + ") the token is bound to no longer exists");
    }
    String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    Node node = nodeName == null ? null : api.call(client -> client.nodes().withName(nodeName).get());
    if (node == null) {
      throw AttestationException.denied(NAME + ": node \"" + nodeName + "\" of pod " + namespace + "/" + podName
          + " is not found");
    }
    String nodeUid = node.getMetadata().getUid();
    return new AttestResult(AgentIds.agentId(trustDomain, NAME, cluster.name() + "/" + nodeUid),
        selectors(cluster, account, pod, node), true);
  }

  private static String extra(TokenReviewStatus review, String key) {
    if (review.getUser() == null || review.getUser().getExtra() == null) {
      return "";
    }
    List<String> values = review.getUser().getExtra().get(key);
    return values == null || values.size() != 1 ? "" : values.getFirst();
  }

  private static List<Selector> selectors(PsatCluster cluster, ServiceAccount account, Pod pod, Node node) {
    List<Selector> selectors = new ArrayList<>();
    add(selectors, "cluster:" + cluster.name());
    add(selectors, "agent_ns:" + account.namespace());
    add(selectors, "agent_sa:" + account.name());
    add(selectors, "agent_pod_name:" + pod.getMetadata().getName());
    add(selectors, "agent_pod_uid:" + pod.getMetadata().getUid());
    if (pod.getStatus() != null && pod.getStatus().getHostIP() != null) {
      add(selectors, "agent_node_ip:" + pod.getStatus().getHostIP());
    }
    add(selectors, "agent_node_name:" + node.getMetadata().getName());
    add(selectors, "agent_node_uid:" + node.getMetadata().getUid());
    labels(selectors, "agent_node_label:", node.getMetadata().getLabels(), cluster.nodeLabelKeys());
    labels(selectors, "agent_pod_label:", pod.getMetadata().getLabels(), cluster.podLabelKeys());
    return selectors;
  }

  private static void labels(List<Selector> selectors, String prefix, Map<String, String> labels, Set<String> allowed) {
    if (labels != null) {
      labels.entrySet().stream().filter(label -> allowed.contains(label.getKey())).sorted(Map.Entry.comparingByKey())
          .forEach(label -> add(selectors, prefix + label.getKey() + ":" + label.getValue()));
    }
  }

  private static void add(List<Selector> selectors, String value) {
    selectors.add(new Selector(NAME, value));
  }
}
