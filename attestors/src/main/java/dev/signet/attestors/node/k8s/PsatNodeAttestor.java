package dev.signet.attestors.node.k8s;

import dev.signet.attestors.node.AgentIds;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.Challenger;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  public static final String NAME = "k8s_psat";
  private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
  private static final String POD_NAME = "authentication.kubernetes.io/pod-name";
  private static final String POD_UID = "authentication.kubernetes.io/pod-uid";

  private final Map<String, PsatCluster> clusters;
  private final Map<String, KubernetesClient> clients;

  PsatNodeAttestor(Map<String, PsatCluster> clusters, Map<String, KubernetesClient> clients) {
    this.clusters = Map.copyOf(clusters);
    this.clients = Map.copyOf(clients);
  }

  /** From {@code plugin_data { clusters = { "<name>" = { … } } }}. */
  public static PsatNodeAttestor create(ConfigSection data) {
    Map<String, Object> configured = data.getMap("clusters");
    if (configured.isEmpty()) {
      throw new ConfigException("NodeAttestor \"k8s_psat\": at least one cluster must be configured in clusters");
    }
    ConfigSection clustersSection = data.section("clusters");
    Map<String, PsatCluster> clusters = new LinkedHashMap<>();
    for (String name : configured.keySet()) {
      clusters.put(name, PsatCluster.from(name, clustersSection.section(name)));
    }
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("NodeAttestor \"k8s_psat\": unknown plugin_data keys " + data.unknownKeys());
    }
    Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    clusters.values().forEach(cluster -> clients.put(cluster.name(), client(cluster)));
    return new PsatNodeAttestor(clusters, clients);
  }

  private static KubernetesClient client(PsatCluster cluster) {
    Config config;
    if (cluster.kubeConfigFile().isEmpty()) {
      config = Config.autoConfigure(null);
    } else {
      try {
        config = Config.fromKubeconfig(Files.readString(Path.of(cluster.kubeConfigFile())));
      } catch (IOException | RuntimeException e) {
        throw new ConfigException("NodeAttestor \"k8s_psat\": cluster \"" + cluster.name()
            + "\": cannot read kube_config_file " + cluster.kubeConfigFile() + ": " + e.getMessage());
      }
    }
    // Attestation has its own deadline: fail fast rather than retry for minutes.
    config.setRequestRetryBackoffLimit(1);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AttestResult attest(TrustDomain trustDomain, byte[] payload, Challenger challenger) {
    PsatAttestationData data = PsatAttestationData.decode(payload);
    PsatCluster cluster = clusters.get(data.cluster());
    if (cluster == null) {
      throw AttestationException.denied(NAME + ": cluster \"" + data.cluster() + "\" is not configured");
    }
    KubernetesClient client = clients.get(cluster.name());
    TokenReviewStatus review = review(client, cluster, data.token());
    String username = review.getUser() == null ? "" : review.getUser().getUsername();
    if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
      throw AttestationException.denied(NAME + ": token of \"" + username + "\" is not a service account token");
    }
    String account = username.substring(SERVICE_ACCOUNT_PREFIX.length());
    if (!cluster.serviceAccounts().contains(account)) {
      throw AttestationException.denied(NAME + ": service account \"" + account + "\" is not allowed in cluster \""
          + cluster.name() + "\"");
    }
    String namespace = account.substring(0, account.indexOf(':'));
    String podName = extra(review, POD_NAME);
    String podUid = extra(review, POD_UID);
    if (podName.isEmpty() || podUid.isEmpty()) {
      throw AttestationException.denied(NAME + ": token is not bound to a pod (use a projected service account token)");
    }
    Pod pod = call(cluster, () -> client.pods().inNamespace(namespace).withName(podName).get());
    if (pod == null || !podUid.equals(pod.getMetadata().getUid())) {
      throw AttestationException.denied(NAME + ": pod " + namespace + "/" + podName + " (" + podUid
          + ") the token is bound to no longer exists");
    }
    String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    Node node = nodeName == null ? null : call(cluster, () -> client.nodes().withName(nodeName).get());
    if (node == null) {
      throw AttestationException.denied(NAME + ": node \"" + nodeName + "\" of pod " + namespace + "/" + podName
          + " is not found");
    }
    String nodeUid = node.getMetadata().getUid();
    return new AttestResult(AgentIds.agentId(trustDomain, NAME, cluster.name() + "/" + nodeUid),
        selectors(cluster, account, pod, node), true);
  }

  private static TokenReviewStatus review(KubernetesClient client, PsatCluster cluster, String token) {
    TokenReview request = new TokenReviewBuilder().withNewSpec().withToken(token)
        .withAudiences(cluster.audiences()).endSpec().build();
    TokenReview response = call(cluster, () -> client.resource(request).create());
    TokenReviewStatus status = response == null ? null : response.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      String why = status == null || status.getError() == null ? "not authenticated" : status.getError();
      throw AttestationException.denied(NAME + ": token review in cluster \"" + cluster.name() + "\" failed: " + why);
    }
    if (status.getAudiences() != null && !status.getAudiences().isEmpty()
        && cluster.audiences().stream().noneMatch(status.getAudiences()::contains)) {
      throw AttestationException.denied(NAME + ": token is for audiences " + status.getAudiences() + ", not "
          + cluster.audiences());
    }
    return status;
  }

  private static String extra(TokenReviewStatus review, String key) {
    if (review.getUser() == null || review.getUser().getExtra() == null) {
      return "";
    }
    List<String> values = review.getUser().getExtra().get(key);
    return values == null || values.size() != 1 ? "" : values.getFirst();
  }

  private static List<Selector> selectors(PsatCluster cluster, String account, Pod pod, Node node) {
    List<Selector> selectors = new ArrayList<>();
    int colon = account.indexOf(':');
    add(selectors, "cluster:" + cluster.name());
    add(selectors, "agent_ns:" + account.substring(0, colon));
    add(selectors, "agent_sa:" + account.substring(colon + 1));
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

  private static void labels(List<Selector> selectors, String prefix, Map<String, String> labels,
      java.util.Set<String> allowed) {
    if (labels != null) {
      labels.entrySet().stream().filter(label -> allowed.contains(label.getKey())).sorted(Map.Entry.comparingByKey())
          .forEach(label -> add(selectors, prefix + label.getKey() + ":" + label.getValue()));
    }
  }

  private static void add(List<Selector> selectors, String value) {
    selectors.add(new Selector(NAME, value));
  }

  private static <T> T call(PsatCluster cluster, java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      throw AttestationException.unavailable(NAME + ": Kubernetes API of cluster \"" + cluster.name()
          + "\" failed: " + e.getMessage());
    }
  }
}
