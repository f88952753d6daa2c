package dev.signet.server;

import dev.signet.attestors.node.NodeAttestor;
import dev.signet.attestors.node.awsiid.AwsIidNodeAttestor;
import dev.signet.attestors.node.jointoken.JoinTokenNodeAttestor;
import dev.signet.attestors.node.k8s.PsatNodeAttestor;
import dev.signet.attestors.node.k8s.SatNodeAttestor;
import dev.signet.attestors.node.tpm.TpmNodeAttestor;
import dev.signet.attestors.node.x509pop.X509PopNodeAttestor;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.svid.BundleSource;
import dev.signet.datastore.DataStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The registry of built-in server-side node attestors, keyed by SPIRE's plugin names. */
final class NodeAttestors {
  private NodeAttestors() {}

  static Map<String, NodeAttestor> create(Map<String, Map<String, Object>> configured, DataStore dataStore,
      BundleSource ownBundle, Clock clock) {
    Map<String, NodeAttestor> attestors = new LinkedHashMap<>();
    configured.forEach((name, data) -> attestors.put(name, switch (name) {
      case JoinTokenNodeAttestor.NAME -> {
        if (!data.isEmpty()) {
          throw new ConfigException("NodeAttestor \"join_token\": unknown plugin_data keys " + data.keySet());
        }
        yield new JoinTokenNodeAttestor(dataStore::consumeJoinToken, clock);
      }
      case X509PopNodeAttestor.NAME -> X509PopNodeAttestor.create(ConfigSection.of("plugin_data", data), ownBundle, clock);
      case PsatNodeAttestor.NAME -> PsatNodeAttestor.create(ConfigSection.of("plugin_data", data));
      case AwsIidNodeAttestor.NAME -> AwsIidNodeAttestor.create(ConfigSection.of("plugin_data", data));
      case SatNodeAttestor.NAME -> SatNodeAttestor.create(ConfigSection.of("plugin_data", data), clock);
      case TpmNodeAttestor.NAME -> TpmNodeAttestor.create(ConfigSection.of("plugin_data", data), clock);
      default -> throw new ConfigException("NodeAttestor \"" + name + "\" is not built into signet yet");
    }));
    return Map.copyOf(attestors);
  }
}
