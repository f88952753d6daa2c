package dev.signet.attestors.node.k8s;

import dev.signet.attestors.node.AttestationException;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The parts of {@code clusters = { "<name>" = { … } }} that {@code k8s_psat} and {@code k8s_sat} share: the
 * cluster blocks themselves, {@code service_account_allow_list} and the API client from
 * {@code kube_config_file}.
 */
final class ClusterConfigs {
  private static final java.util.regex.Pattern CLUSTER_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

  private ClusterConfigs() {}

  /**
   * The cluster blocks by name, in document order, each read by {@code parser}; at least one is required and
   * {@code clusters} must be the only key of {@code plugin_data}.
   */
  static <T> Map<String, T> clusters(ConfigSection data, BiFunction<String, ConfigSection, T> parser) {
    Map<String, Object> configured = data.getMap("clusters");
    if (configured.isEmpty()) {
      throw new ConfigException("at least one cluster must be configured in clusters");
    }
    ConfigSection clustersSection = data.section("clusters");
    Map<String, T> clusters = new LinkedHashMap<>();
    for (String name : configured.keySet()) {
      // The name becomes one segment of agent IDs (spire/agent/<plugin>/<cluster>/...).
      if (!CLUSTER_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
        throw new ConfigException("cluster name \"" + name + "\" must be one path segment of "
            + "letters, digits, '.', '_' or '-'");
      }
      clusters.put(name, parser.apply(name, clustersSection.section(name)));
    }
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
    return clusters;
  }

  /** {@code service_account_allow_list}: required, each entry {@code namespace:name}. */
  static Set<String> allowList(String cluster, ConfigSection data) {
    List<String> accounts = data.getList("service_account_allow_list");
    if (accounts.isEmpty()) {
      throw new ConfigException("cluster \"" + cluster + "\" needs a service_account_allow_list");
    }
    for (String account : accounts) {
      String[] parts = account.split(":", -1);
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        throw new ConfigException("cluster \"" + cluster + "\": service account \"" + account
            + "\" is not namespace:name");
      }
    }
    return Set.copyOf(accounts);
  }

  /** Refuses the keys of a cluster block that no getter read. */
  static void requireNoUnknownKeys(String cluster, ConfigSection data) {
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("cluster \"" + cluster + "\": unknown keys " + data.unknownKeys());
    }
  }

  /** A client for the cluster's API server: {@code kubeConfigFile}, or the in-cluster configuration if empty. */
  static KubernetesClient client(String cluster, String kubeConfigFile) {
    Config config;
    if (kubeConfigFile.isEmpty()) {
      config = Config.autoConfigure(null);
    } else {
      try {
        config = Config.fromKubeconfig(Files.readString(Path.of(kubeConfigFile)));
      } catch (IOException | RuntimeException e) {
        throw new ConfigException("cluster \"" + cluster + "\": cannot read kube_config_file "
            + kubeConfigFile + ": " + e.getMessage());
      }
    }
    // Attestation has its own deadline: fail fast rather than retry for minutes.
    config.setRequestRetryBackoffLimit(1);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** One TokenReview/pod/node client per cluster, by cluster name. */
  static Map<String, KubernetesApi> apis(String plugin, Map<String, KubernetesClient> clients) {
    Map<String, KubernetesApi> apis = new LinkedHashMap<>();
    clients.forEach((name, client) -> apis.put(name, new KubernetesApi(plugin, name, client)));
    return Map.copyOf(apis);
  }

  /** The configured cluster an agent names; an unknown one is a refused identity. */
  static <T> T cluster(String plugin, Map<String, T> clusters, String name) {
    T cluster = clusters.get(name);
    if (cluster == null) {
      throw AttestationException.denied(plugin + ": cluster \"" + name + "\" is not configured");
    }
    return cluster;
  }
}
