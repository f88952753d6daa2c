package dev.signet.server.entrycache;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.RegistrationEntry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable index of all registration entries answering "which entries may this agent mint SVIDs
 * for?" in time proportional to the answer, not to the number of entries.
 *
 * <p>An agent is authorized for entries parented to its own ID, and to the ID of every node alias
 * (an entry parented to the server) whose selectors are all among the agent's node selectors; then,
 * transitively, for entries parented to any entry it is already authorized for. Expired entries
 * authorize nothing.
 */
public final class AuthorizedEntryIndex {
  private final SpiffeId serverId;
  private final Map<SpiffeId, List<RegistrationEntry>> byParent;
  private final Map<Selector, List<RegistrationEntry>> aliasesBySelector;
  private final Map<String, RegistrationEntry> byId;
  private final Set<SpiffeId> adminIds;
  private final Set<SpiffeId> downstreamIds;

  private AuthorizedEntryIndex(SpiffeId serverId, Map<SpiffeId, List<RegistrationEntry>> byParent,
      Map<Selector, List<RegistrationEntry>> aliasesBySelector, Map<String, RegistrationEntry> byId) {
    this.serverId = serverId;
    this.byParent = byParent;
    this.aliasesBySelector = aliasesBySelector;
    this.byId = byId;
    this.adminIds = idsWhere(byId.values(), RegistrationEntry::admin);
    this.downstreamIds = idsWhere(byId.values(), RegistrationEntry::downstream);
  }

  private static Set<SpiffeId> idsWhere(Collection<RegistrationEntry> entries,
      java.util.function.Predicate<RegistrationEntry> flag) {
    Set<SpiffeId> ids = new HashSet<>();
    entries.stream().filter(flag).forEach(e -> ids.add(e.spiffeId()));
    return Set.copyOf(ids);
  }

  /** True when an entry marked {@code admin} has this SPIFFE ID (its SVIDs may call management APIs). */
  public boolean isAdmin(SpiffeId id) {
    return adminIds.contains(id);
  }

  /** True when an entry marked {@code downstream} has this SPIFFE ID. */
  public boolean isDownstream(SpiffeId id) {
    return downstreamIds.contains(id);
  }

  /** Builds an index over {@code entries}; {@code serverId} marks node aliases. */
  public static AuthorizedEntryIndex build(SpiffeId serverId, Collection<RegistrationEntry> entries) {
    Map<SpiffeId, List<RegistrationEntry>> byParent = new HashMap<>();
    Map<Selector, List<RegistrationEntry>> aliases = new HashMap<>();
    Map<String, RegistrationEntry> byId = new HashMap<>(entries.size() * 2);
    for (RegistrationEntry entry : entries) {
      byId.put(entry.entryId(), entry);
      if (entry.parentId().equals(serverId)) {
        for (Selector selector : entry.selectors()) {
          aliases.computeIfAbsent(selector, s -> new ArrayList<>(1)).add(entry);
        }
      } else {
        byParent.computeIfAbsent(entry.parentId(), p -> new ArrayList<>(2)).add(entry);
      }
    }
    return new AuthorizedEntryIndex(serverId, byParent, aliases, byId);
  }

  /** Number of entries indexed. */
  public int size() {
    return byId.size();
  }

  /** The entry with this ID, or null. */
  public RegistrationEntry entry(String entryId) {
    return byId.get(entryId);
  }

  /** All indexed entries. */
  public Collection<RegistrationEntry> entries() {
    return byId.values();
  }

  /** Node aliases the agent's node selectors satisfy (every alias selector is among them). */
  public List<RegistrationEntry> aliasesFor(Collection<Selector> nodeSelectors, Instant now) {
    Set<Selector> have = nodeSelectors instanceof Set<Selector> s ? s : new HashSet<>(nodeSelectors);
    Set<RegistrationEntry> matched = new LinkedHashSet<>();
    for (Selector selector : have) {
      for (RegistrationEntry alias : aliasesBySelector.getOrDefault(selector, List.of())) {
        if (!expired(alias, now) && have.containsAll(alias.selectors())) {
          matched.add(alias);
        }
      }
    }
    return List.copyOf(matched);
  }

  /** Entries the agent may mint SVIDs for (see the class comment), without duplicates. */
  public List<RegistrationEntry> authorizedFor(SpiffeId agentId, Collection<Selector> nodeSelectors, Instant now) {
    Deque<SpiffeId> parents = new ArrayDeque<>();
    Set<SpiffeId> visited = new HashSet<>();
    parents.add(agentId);
    visited.add(agentId);
    for (RegistrationEntry alias : aliasesFor(nodeSelectors, now)) {
      if (visited.add(alias.spiffeId())) {
        parents.add(alias.spiffeId());
      }
    }
    visited.add(serverId);
    List<RegistrationEntry> result = new ArrayList<>();
    while (!parents.isEmpty()) {
      for (RegistrationEntry child : byParent.getOrDefault(parents.poll(), List.of())) {
        if (expired(child, now)) {
          continue;
        }
        result.add(child);
        if (visited.add(child.spiffeId())) {
          parents.add(child.spiffeId());
        }
      }
    }
    return result;
  }

  private static boolean expired(RegistrationEntry entry, Instant now) {
    return entry.expiresAt() != 0 && entry.expiresAt() <= now.getEpochSecond();
  }
}
