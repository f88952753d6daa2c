package dev.signet.server.trust;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.NodeFilter;
import dev.signet.datastore.RegistrationEntry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The agents that may receive an identity's SVIDs: the parents of its entries that are attested agents,
 * and the agents whose node selectors satisfy a parent node alias (at most {@value #MAX} of them).
 */
public final class ServingAgents {
  static final int MAX = 100;

  private final DataStore dataStore;

  public ServingAgents(DataStore dataStore) {
    this.dataStore = dataStore;
  }

  public Set<AttestedNode> of(SpiffeId identity) {
    Set<AttestedNode> agents = new LinkedHashSet<>();
    for (RegistrationEntry entry : entries(identity)) {
      Optional<AttestedNode> parent = dataStore.fetchAttestedNode(entry.parentId());
      if (parent.isPresent()) {
        agents.add(parent.get());
      } else {
        for (RegistrationEntry alias : entries(entry.parentId())) {
          if (!alias.selectors().isEmpty()) {
            agents.addAll(dataStore.listAttestedNodes(new NodeFilter(null, null, null, null, alias.selectors(), null),
                "", MAX).items());
          }
        }
      }
      if (agents.size() >= MAX) {
        break;
      }
    }
    return agents;
  }

  private List<RegistrationEntry> entries(SpiffeId id) {
    return dataStore.listEntries(EntryFilter.bySpiffeId(id), "", MAX).items();
  }
}
