package dev.signet.controller.config;

import dev.signet.common.spiffe.TrustDomain;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads spire-controller-manager's configuration file ({@code kind: ControllerManagerConfig}, YAML) into a
 * {@link ControllerConfig}, so an existing ConfigMap works unchanged. Keys of spire-controller-manager that concern
 * its controller-runtime host (metrics, health probes, leader election, webhook, log encoding) are accepted and
 * ignored; {@code staticManifestPath} is refused (no static mode); any other key is an error.
 */
public final class ControllerConfigLoader {
  /** spire-controller-manager's default admin socket path. */
  public static final String DEFAULT_SOCKET = "/spire-server/api.sock";
  private static final List<String> DEFAULT_IGNORED = List.of("kube-system", "kube-public", "spire-system");
  private static final Set<String> KNOWN = Set.of("trustDomain", "clusterName", "clusterDomain", "ignoreNamespaces",
      "gcInterval", "spireServerSocketPath", "className", "watchClassless", "entryIDPrefix", "reconcile", "logLevel");
  private static final Set<String> ACCEPTED_AND_IGNORED = Set.of("apiVersion", "kind", "metadata", "metrics",
      "health", "healthProbe", "leaderElection", "webhook", "validatingWebhookConfigurationName", "logEncoding",
      "grpc", "tlsProfile", "cacheNamespaces", "controller", "gracefulShutDown", "syncPeriod");
  private static final Set<String> RECONCILE_KEYS =
      Set.of("clusterSPIFFEIDs", "clusterStaticEntries", "clusterFederatedTrustDomains");

  private ControllerConfigLoader() {}

  /** Reads and checks the file at {@code path}. */
  public static ControllerConfig load(Path path) throws IOException {
    return parse(Files.readString(path));
  }

  /** Parses and checks YAML text; throws {@link IllegalArgumentException} naming the bad key or value. */
  public static ControllerConfig parse(String yaml) {
    JsonNode root;
    try {
      root = Serialization.yamlMapper().readTree(yaml);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("controller configuration is not YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("controller configuration must be a YAML mapping");
    }
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String key = field.getKey();
      if (key.equals("staticManifestPath")) {
        throw new IllegalArgumentException("staticManifestPath is not supported: signet-controller-manager reads the"
            + " custom resources from the Kubernetes API only");
      }
      if (!KNOWN.contains(key) && !ACCEPTED_AND_IGNORED.contains(key)) {
        throw new IllegalArgumentException("unknown configuration key \"" + key + "\"");
      }
    }
    String clusterName = text(root, "clusterName", "");
    String trustDomain = text(root, "trustDomain", "");
    if (trustDomain.isEmpty()) {
      throw new IllegalArgumentException("trustDomain is required");
    }
    JsonNode reconcile = root.path("reconcile");
    for (Map.Entry<String, JsonNode> field : reconcile.isObject() ? reconcile.properties() : Set.<Map.Entry<String, JsonNode>>of()) {
      if (!RECONCILE_KEYS.contains(field.getKey())) {
        throw new IllegalArgumentException("unknown configuration key \"reconcile." + field.getKey() + "\"");
      }
    }
    String prefix = text(root, "entryIDPrefix", "");
    return new ControllerConfig(
        TrustDomain.parse(trustDomain),
        clusterName,
        text(root, "clusterDomain", "cluster.local"),
        patterns(root.path("ignoreNamespaces")),
        (GoDuration.parse(text(root, "gcInterval", "10s"))),
        Path.of(text(root, "spireServerSocketPath", DEFAULT_SOCKET)),
        text(root, "className", ""),
        bool(root, "watchClassless"),
        prefix.isEmpty() ? clusterName + "." : prefix,
        !reconcile.has("clusterSPIFFEIDs") || bool(reconcile, "clusterSPIFFEIDs"),
        !reconcile.has("clusterStaticEntries") || bool(reconcile, "clusterStaticEntries"),
        !reconcile.has("clusterFederatedTrustDomains") || bool(reconcile, "clusterFederatedTrustDomains"),
        text(root, "logLevel", "info"));
  }

  private static List<Pattern> patterns(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return DEFAULT_IGNORED.stream().map(Pattern::compile).toList();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException("ignoreNamespaces must be a list of regular expressions");
    }
    List<Pattern> out = new ArrayList<>();
    for (JsonNode item : node) {
      try {
        out.add(Pattern.compile(item.asString()));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("ignoreNamespaces entry \"" + item.asString()
            + "\" is not a regular expression: " + e.getDescription(), e);
      }
    }
    return out;
  }

  private static String text(JsonNode node, String key, String fallback) {
    JsonNode value = node.path(key);
    if (value.isMissingNode() || value.isNull()) {
      return fallback;
    }
    if (!value.isValueNode()) {
      throw new IllegalArgumentException(key + " must be a string");
    }
    return value.asString();
  }

  private static boolean bool(JsonNode node, String key) {
    JsonNode value = node.path(key);
    if (value.isMissingNode() || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw new IllegalArgumentException(key + " must be true or false, not \"" + value.asString() + "\"");
    }
    return value.booleanValue();
  }
}
