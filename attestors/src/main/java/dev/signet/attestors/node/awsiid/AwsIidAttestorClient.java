package dev.signet.attestors.node.awsiid;

import dev.signet.attestors.node.AgentNodeAttestorDependencies;
import dev.signet.attestors.node.AgentHalves;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.common.plugin.PluginDescriptor;
import java.util.Optional;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.net.URI;
import java.util.function.Supplier;

/**
 * The agent half of {@code NodeAttestor "aws_iid"}: fetches the instance identity document, its legacy
 * RSA-1024 signature and its RSA-2048 PKCS#7 signature from IMDS (IMDSv2) at every attestation and sends them
 * in SPIRE's payload ({@code {"document", "signature", "rsa2048"}}), so a SPIRE server can attest a signet agent
 * and the other way round. {@code plugin_data}: {@code ec2_metadata_endpoint} (SPIRE's key; default
 * {@code http://169.254.169.254}).
 */
public final class AwsIidAttestorClient implements NodeAttestorClient {
  /** The agent half as its catalog knows it; trust on first use, so single use. */
  public static final PluginDescriptor<?, AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> DESCRIPTOR =
      AgentHalves.builtIn(AwsIid.NAME, (data, core) -> parse(data), true);
  private final Imds imds;

  AwsIidAttestorClient(URI endpoint) {
    this.imds = new Imds(endpoint);
  }

  /** From {@code plugin_data}; see {@link #parse}. */
  public static AwsIidAttestorClient create(ConfigSection data) {
    return parse(data).get();
  }

  /** Checks {@code plugin_data} ({@code ec2_metadata_endpoint}); the supplier makes the client. */
  public static Supplier<AwsIidAttestorClient> parse(ConfigSection data) {
    String endpoint = data.getString("ec2_metadata_endpoint", "");
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
    if (endpoint.isEmpty()) {
      return () -> new AwsIidAttestorClient(Imds.DEFAULT_ENDPOINT);
    }
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("ec2_metadata_endpoint \"" + endpoint + "\" is not a URL: "
          + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new ConfigException("ec2_metadata_endpoint \"" + endpoint
          + "\" must be an http(s) URL such as http://169.254.169.254");
    }
    URI checked = uri;
    return () -> new AwsIidAttestorClient(checked);
  }

  @Override
  public String name() {
    return AwsIid.NAME;
  }

  @Override
  public byte[] payload() {
    return imds.fetch().encode();
  }
}
