package dev.signet.attestors.node;

import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginDescriptor;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the descriptors of agent halves (kept apart from {@link AgentNodeAttestors}, whose catalog reads those
 * descriptors while it initializes).
 */
public final class AgentHalves {
  private AgentHalves() {}

  /**
   * The descriptor of an agent half whose {@code parse} checks {@code plugin_data} into a supplier of clients;
   * {@code create} makes a new client each time (first attestation, each re-attestation).
   *
   * @param singleUse true when the server would refuse a second attestation with the same evidence
   */
  public static PluginDescriptor<?, AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> builtIn(
      String name, BuiltIn.Parser<? extends Supplier<? extends NodeAttestorClient>> parser, boolean singleUse) {
    return new BuiltIn<Supplier<? extends NodeAttestorClient>, AgentNodeAttestorDependencies,
        Optional<NodeAttestorClient>>(name, parser::parse, (clients, deps) -> Optional.of(clients.get()), singleUse);
  }
}
