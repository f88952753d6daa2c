package dev.signet.attestors.node.k8s;

import dev.signet.attestors.node.AgentNodeAttestorDependencies;
import dev.signet.attestors.node.AgentHalves;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.common.plugin.PluginDescriptor;
import java.util.Optional;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The agent half of {@code NodeAttestor "k8s_psat"} and {@code "k8s_sat"}: sends {@code cluster} and the
 * service account token from {@code token_path}, read afresh on every attestation because the kubelet
 * rotates projected tokens. The two differ only in their name and default token path.
 */
public final class K8sTokenAttestorClient implements NodeAttestorClient {
  /** The agent half of {@code k8s_psat} as its catalog knows it; the agent may re-attest with a new token. */
  public static final PluginDescriptor<?, AgentNodeAttestorDependencies, Optional<NodeAttestorClient>>
      PSAT_DESCRIPTOR = AgentHalves.builtIn(K8sNames.PSAT, (data, core) -> parsePsat(data), false);
  /** The agent half of {@code k8s_sat} as its catalog knows it; trust on first use, so single use. */
  public static final PluginDescriptor<?, AgentNodeAttestorDependencies, Optional<NodeAttestorClient>>
      SAT_DESCRIPTOR = AgentHalves.builtIn(K8sNames.SAT, (data, core) -> parseSat(data), true);
  static final String PSAT_TOKEN_PATH = "/var/run/secrets/tokens/spire-agent";
  static final String SAT_TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token";

  private final String name;
  private final String cluster;
  private final Path tokenPath;

  K8sTokenAttestorClient(String name, String cluster, Path tokenPath) {
    this.name = name;
    this.cluster = cluster;
    this.tokenPath = tokenPath;
  }

  /** {@code k8s_psat} from {@code plugin_data}: {@code cluster} (required), {@code token_path}. */
  public static K8sTokenAttestorClient psat(ConfigSection data) {
    return parsePsat(data).get();
  }

  /** Checks {@code k8s_psat}'s {@code plugin_data}; the supplier makes the client. */
  public static Supplier<K8sTokenAttestorClient> parsePsat(ConfigSection data) {
    return parse(K8sNames.PSAT, PSAT_TOKEN_PATH, data);
  }

  /** {@code k8s_sat} from {@code plugin_data}: {@code cluster} (required), {@code token_path}. */
  public static K8sTokenAttestorClient sat(ConfigSection data) {
    return parseSat(data).get();
  }

  /** Checks {@code k8s_sat}'s {@code plugin_data}; the supplier makes the client. */
  public static Supplier<K8sTokenAttestorClient> parseSat(ConfigSection data) {
    return parse(K8sNames.SAT, SAT_TOKEN_PATH, data);
  }

  private static Supplier<K8sTokenAttestorClient> parse(String name, String defaultTokenPath, ConfigSection data) {
    String cluster = data.getString("cluster", "");
    String tokenPath = data.getString("token_path", "");
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
    if (cluster.isEmpty()) {
      throw new ConfigException("cluster is required");
    }
    return () -> new K8sTokenAttestorClient(name, cluster, Path.of(tokenPath.isEmpty() ? defaultTokenPath : tokenPath));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] payload() {
    String token;
    try {
      token = Files.readString(tokenPath).strip();
    } catch (IOException e) {
      throw new IllegalStateException(name + ": cannot read the service account token " + tokenPath, e);
    }
    if (token.isEmpty()) {
      throw new IllegalStateException(name + ": the service account token " + tokenPath + " is empty");
    }
    return new K8sAttestationData(cluster, token).encode();
  }
}
