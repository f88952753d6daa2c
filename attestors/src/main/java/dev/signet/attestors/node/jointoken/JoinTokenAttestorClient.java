package dev.signet.attestors.node.jointoken;

import dev.signet.attestors.node.AgentNodeAttestorDependencies;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginData;
import dev.signet.common.plugin.PluginDescriptor;
import java.util.Optional;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Agent half of {@code join_token}: the payload is the token; there are no challenges. */
public final class JoinTokenAttestorClient implements NodeAttestorClient {
  /**
   * The agent half as its catalog knows it: no {@code plugin_data}; the token comes from the agent's
   * configuration or flags, and without one there is no client. Single use.
   */
  public static final PluginDescriptor<?, AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> DESCRIPTOR =
      new BuiltIn<Void, AgentNodeAttestorDependencies, Optional<NodeAttestorClient>>(JoinTokenNames.NAME,
          PluginData::none, (none, deps) -> deps.joinToken().map(token -> new JoinTokenAttestorClient(token.reveal())),
          true);
  private final String token;

  public JoinTokenAttestorClient(String token) {
    this.token = Objects.requireNonNull(token, "join token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("join_token: the join token is empty");
    }
  }

  @Override
  public String name() {
    return JoinTokenNames.NAME;
  }

  @Override
  public byte[] payload() {
    return token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "JoinTokenAttestorClient[token=<redacted>]";
  }
}
