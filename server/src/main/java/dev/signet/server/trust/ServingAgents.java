package dev.signet.server.trust;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.NodeFilter;
import dev.signet.datastore.RegistrationEntry;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The agents that may receive an identity's SVIDs, following entries up their parents as the server
 * authorizes them: a parent that is an attested agent serves its children; a node alias (an entry parented
 * to the server) is served by every agent whose node selectors include the alias's; any other parent is
 * followed to its own entries, at most {@value #MAX_DEPTH} levels up. At most {@value #MAX} agents.
 */
public final class ServingAgents {
  static final int MAX = 100;
  static final int MAX_DEPTH = 8;
  private static final String SERVER_PATH = "/spire/server";

  private final DataStore dataStore;

  public ServingAgents(DataStore dataStore) {
    this.dataStore = dataStore;
  }

  public Set<AttestedNode> of(SpiffeId identity) {
    Set<AttestedNode> agents = new LinkedHashSet<>();
    collect(identity, 0, new HashSet<>(Set.of(identity)), agents);
    return agents;
  }

  private void collect(SpiffeId id, int depth, Set<SpiffeId> visited, Set<AttestedNode> agents) {
    for (RegistrationEntry entry : dataStore.listEntries(EntryFilter.bySpiffeId(id), "", MAX).items()) {
      if (agents.size() >= MAX) {
        return;
      }
      SpiffeId parent = entry.parentId();
      Optional<AttestedNode> parentAgent = dataStore.fetchAttestedNode(parent);
      if (parentAgent.isPresent()) {
        agents.add(parentAgent.get());
      } else if (parent.path().equals(SERVER_PATH)) {
        if (!entry.selectors().isEmpty()) {
          agents.addAll(dataStore.listAttestedNodes(new NodeFilter(null, null, null, null, entry.selectors(), null),
              "", MAX).items());
        }
      } else if (depth < MAX_DEPTH && visited.add(parent)) {
        collect(parent, depth + 1, visited, agents);
      }
    }
  }
}
