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
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server half of SPIRE's deprecated {@code NodeAttestor "k8s_sat"}: the agent presents a service account
 * token, verified either locally with the cluster's {@code service_account_key_file} ({@link SatTokenVerifier})
 * or by the API server (TokenReview with no audience, as SPIRE, when {@code use_token_review_api_validation}),
 * and its service account must be on the cluster's allow-list.
 *
 * <p>Trust on first use: a service account token names no node and is shared by every pod of the account,
 * so the agent ID gets a fresh random UUID ({@code /spire/agent/k8s_sat/<cluster>/<uuid>}, as SPIRE) and
 * the agent cannot re-attest; it renews its SVID until it is evicted. Selectors {@code k8s_sat:cluster},
 * {@code k8s_sat:agent_ns}, {@code k8s_sat:agent_sa}.
 */
public final class SatNodeAttestor implements NodeAttestor {
  public static final String NAME = K8sNames.SAT;
  private static final Logger LOG = LoggerFactory.getLogger(SatNodeAttestor.class);

  private final Map<String, SatCluster> clusters;
  private final Map<String, KubernetesApi> apis;
  private final SatTokenVerifier verifier;
  private final Supplier<UUID> uuids;

  /**
   * @param clients API clients of the clusters that use the TokenReview API, by cluster name
   * @param uuids the source of agent ID suffixes ({@link UUID#randomUUID()} outside tests)
   */
  SatNodeAttestor(Map<String, SatCluster> clusters, Map<String, KubernetesClient> clients, Clock clock,
      Supplier<UUID> uuids) {
    this.clusters = Map.copyOf(clusters);
    this.apis = ClusterConfigs.apis(NAME, clients);
    this.verifier = new SatTokenVerifier(clock);
    this.uuids = uuids;
  }

  /**
   * The server half as its catalog knows it: the {@code clusters} parsed from {@code plugin_data} (the service
   * account key files only named); {@code create} reads the keys and makes the Kubernetes clients. Single use,
   * as SPIRE.
   */
  public static final PluginDescriptor<?, NodeAttestorDependencies, NodeAttestor> DESCRIPTOR =
      new BuiltIn<Map<String, SatClusterConfig>, NodeAttestorDependencies, NodeAttestor>(NAME,
          (data, core) -> ClusterConfigs.clusters(data, SatClusterConfig::from),
          (clusters, deps) -> create(clusters, deps.clock()), true)
          .checkingHost(clusters -> clusters.values().forEach(SatClusterConfig::load));

  /** From {@code plugin_data { clusters = { "<name>" = { … } } }}. */
  public static SatNodeAttestor create(ConfigSection data, Clock clock) {
    return create(ClusterConfigs.clusters(data, SatClusterConfig::from), clock);
  }

  private static SatNodeAttestor create(Map<String, SatClusterConfig> configs, Clock clock) {
    Map<String, SatCluster> clusters = new LinkedHashMap<>();
    configs.forEach((name, config) -> clusters.put(name, config.load()));
    Map<String, KubernetesClient> clients = new LinkedHashMap<>();
    clusters.values().stream().filter(SatCluster::useTokenReviewApi).forEach(cluster -> clients.put(cluster.name(),
        ClusterConfigs.client(cluster.name(), cluster.kubeConfigFile())));
    LOG.warn("NodeAttestor \"{}\" is deprecated in SPIRE in favour of \"k8s_psat\": service account tokens are "
        + "shared by all pods of the account, and legacy ones never expire", NAME);
    clusters.values().stream().filter(c -> !c.useTokenReviewApi() && c.audiences().isEmpty()).forEach(c -> LOG.warn(
        "NodeAttestor \"{}\": cluster \"{}\" accepts bound service account tokens minted for any audience; set "
            + "audience to the one the agent's projected token carries", NAME, c.name()));
    return new SatNodeAttestor(clusters, clients, clock, UUID::randomUUID);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AttestResult attest(TrustDomain trustDomain, byte[] payload, Challenger challenger) {
    K8sAttestationData data = K8sAttestationData.decode(NAME, payload);
    SatCluster cluster = ClusterConfigs.cluster(NAME, clusters, data.cluster());
    ServiceAccount account;
    if (cluster.useTokenReviewApi()) {
      KubernetesApi api = apis.get(cluster.name());
      // SAT has no audience: the review asks for the API server's own (the empty list), as SPIRE does.
      account = api.serviceAccount(api.review(data.token(), List.of()));
    } else {
      account = verifier.verify(data.token(), cluster.keys(), cluster.audiences());
    }
    account.requireAllowed(NAME, cluster.name(), cluster.serviceAccounts());
    List<Selector> selectors = List.of(new Selector(NAME, "cluster:" + cluster.name()),
        new Selector(NAME, "agent_ns:" + account.namespace()), new Selector(NAME, "agent_sa:" + account.name()));
    return new AttestResult(AgentIds.agentId(trustDomain, NAME, cluster.name() + "/" + uuids.get()), selectors, false);
  }
}
