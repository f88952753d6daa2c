package dev.signet.server;

import dev.signet.attestors.node.NodeAttestor;
import dev.signet.attestors.node.NodeAttestorDependencies;
import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.common.svid.BundleSource;
import dev.signet.datastore.DataStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Makes the server's configured node attestors (checked by their catalog when the config was loaded), by name. */
final class NodeAttestors {
  private NodeAttestors() {}

  static Map<String, NodeAttestor> create(List<ConfiguredPlugin<NodeAttestorDependencies, NodeAttestor>> configured,
      DataStore dataStore, BundleSource ownBundle, Clock clock) {
    NodeAttestorDependencies dependencies = new NodeAttestorDependencies(dataStore::consumeJoinToken, ownBundle, clock);
    Map<String, NodeAttestor> attestors = new LinkedHashMap<>();
    configured.forEach(plugin -> attestors.put(plugin.name(), plugin.create(dependencies)));
    return Map.copyOf(attestors);
  }
}
