package dev.signet.attestors.node.k8s;

import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The agent half of {@code NodeAttestor "k8s_psat"}: sends {@code cluster} and the projected service
 * account token from {@code token_path} (default {@code /var/run/secrets/tokens/spire-agent}), read afresh
 * on every attestation because the kubelet rotates it.
 */
public final class PsatAttestorClient implements NodeAttestorClient {
  static final String DEFAULT_TOKEN_PATH = "/var/run/secrets/tokens/spire-agent";
  private final String cluster;
  private final Path tokenPath;

  public PsatAttestorClient(String cluster, Path tokenPath) {
    this.cluster = cluster;
    this.tokenPath = tokenPath;
  }

  /** From {@code plugin_data}: {@code cluster} (required), {@code token_path}. */
  public static PsatAttestorClient create(ConfigSection data) {
    String cluster = data.getString("cluster", "");
    String tokenPath = data.getString("token_path", DEFAULT_TOKEN_PATH);
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("NodeAttestor \"k8s_psat\": unknown plugin_data keys " + data.unknownKeys());
    }
    if (cluster.isEmpty()) {
      throw new ConfigException("NodeAttestor \"k8s_psat\": cluster is required");
    }
    return new PsatAttestorClient(cluster, Path.of(tokenPath));
  }

  @Override
  public String name() {
    return PsatNodeAttestor.NAME;
  }

  @Override
  public byte[] payload() {
    try {
      return new PsatAttestationData(cluster, Files.readString(tokenPath).strip()).encode();
    } catch (IOException e) {
      throw new IllegalStateException("k8s_psat: cannot read the service account token " + tokenPath, e);
    }
  }
}
