package dev.signet.controller.server;

import dev.signet.controller.entry.Entries;
import dev.signet.proto.spire.api.types.Entry;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory entry store with the server's batch semantics the controller relies on: a create whose key (SPIFFE
 * ID, parent, selectors) is taken answers ALREADY_EXISTS, an update or delete of an unknown id NOT_FOUND, and a
 * create whose SPIFFE ID is in {@link #refuse} INVALID_ARGUMENT.
 */
public final class FakeEntryClient implements EntryClient {
  private final Map<String, Entry> byId = new LinkedHashMap<>();
  /** SPIFFE IDs whose creation this fake refuses. */
  public final Set<String> refuse = ConcurrentHashMap.newKeySet();

  /** Puts an entry as if someone else had created it. */
  public synchronized void put(Entry entry) {
    byId.put(entry.getId(), entry);
  }

  /** A copy of the stored entries. */
  public synchronized List<Entry> entries() {
    return List.copyOf(byId.values());
  }

  @Override
  public synchronized List<Entry> list() {
    return entries();
  }

  @Override
  public synchronized List<Status> create(List<Entry> entries) {
    List<Status> out = new ArrayList<>();
    for (Entry entry : entries) {
      if (refuse.contains(Entries.text(entry.getSpiffeId()))) {
        out.add(Status.INVALID_ARGUMENT.withDescription("refused"));
      } else if (byId.values().stream().anyMatch(e -> Entries.key(e).equals(Entries.key(entry)))
          || byId.containsKey(entry.getId())) {
        out.add(Status.ALREADY_EXISTS.withDescription("similar entry already exists"));
      } else {
        byId.put(entry.getId(), entry);
        out.add(Status.OK);
      }
    }
    return out;
  }

  @Override
  public synchronized List<Status> update(List<Entry> entries) {
    List<Status> out = new ArrayList<>();
    for (Entry entry : entries) {
      if (byId.containsKey(entry.getId())) {
        byId.put(entry.getId(), entry);
        out.add(Status.OK);
      } else {
        out.add(Status.NOT_FOUND);
      }
    }
    return out;
  }

  @Override
  public synchronized List<Status> delete(List<String> ids) {
    List<Status> out = new ArrayList<>();
    for (String id : ids) {
      out.add(byId.remove(id) == null ? Status.NOT_FOUND : Status.OK);
    }
    return out;
  }
}
