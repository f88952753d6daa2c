package dev.signet.server.entrycache;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.RegistrationEntry;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps an {@link AuthorizedEntryIndex} of all entries current. Changes made through this server call
 * {@link #refresh()} directly; changes made by other servers sharing the database arrive through the
 * datastore's change-event log, which {@link #pollEvents()} reads (the caller schedules it).
 */
public final class EntryCache {
  /** Kinds of change that alter neither the index nor what agents are sent. */
  private static final Set<ChangeEvent.Kind> PASSED_OVER = EnumSet.of(ChangeEvent.Kind.CA_JOURNAL,
      ChangeEvent.Kind.JOIN_TOKEN);
  private static final int EVENT_PAGE = 500;
  private final DataStore dataStore;
  private final SpiffeId serverId;
  private final AtomicReference<AuthorizedEntryIndex> index = new AtomicReference<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile long lastEventId;
  /** Guards the two counters below; never held during a rebuild. */
  private final Object tickets = new Object();
  /** Refreshes asked for so far. */
  private long requested;
  /** The highest request that a finished rebuild covers. Guarded by {@code this} (the rebuild lock). */
  private long covered;

  public EntryCache(DataStore dataStore, SpiffeId serverId) {
    this.dataStore = dataStore;
    this.serverId = serverId;
    refresh();
  }

  /** The current index; immutable, safe to use without locks. */
  public AuthorizedEntryIndex index() {
    return index.get();
  }

  /**
   * Rebuilds the index from the entries changed since the last rebuild ({@link #withChanges}; all of them the first
   * time) and tells listeners (agents' push streams); returns once the index
   * reflects everything committed before the call. Concurrent callers share rebuilds: a caller that waited
   * while another rebuild ran returns without one of its own when a rebuild that began after its request
   * (so after its write committed) has finished meanwhile.
   */
  public void refresh() {
    long ticket;
    synchronized (tickets) {
      ticket = ++requested;
    }
    synchronized (this) {
      if (covered >= ticket) {
        return;
      }
      long upTo;
      synchronized (tickets) {
        upTo = requested;
      }
      long eventsBefore = dataStore.latestEventId();
      AuthorizedEntryIndex current = index.get();
      AuthorizedEntryIndex changed = current == null ? null : withChanges(current, eventsBefore);
      index.set(changed != null ? changed : AuthorizedEntryIndex.build(serverId, dataStore.listAllEntries()));
      lastEventId = Math.max(lastEventId, eventsBefore);
      covered = upTo;
      listeners.forEach(Runnable::run);
    }
  }

  /**
   * {@code current} with the entries that the events after {@link #lastEventId} up to {@code upTo} name read
   * again (a created or updated entry replaced, a deleted one dropped): a few small queries where a full read of
   * 20,000 entries takes tens of milliseconds, after every batch of writes. Null when the log cannot say what
   * changed (its events past {@code lastEventId} were pruned) or when so much changed that one full read is
   * cheaper.
   */
  private AuthorizedEntryIndex withChanges(AuthorizedEntryIndex current, long upTo) {
    if (upTo < lastEventId) { // every event pruned: MAX(id) fell back
      return null;
    }
    Set<String> changed = new LinkedHashSet<>();
    long after = lastEventId;
    while (after < upTo) {
      List<ChangeEvent> page = dataStore.listEvents(after, EVENT_PAGE);
      if (page.isEmpty() || page.getFirst().id() != after + 1) {
        return null;
      }
      page.stream().filter(e -> e.id() <= upTo && e.kind() == ChangeEvent.Kind.ENTRY).forEach(e -> changed.add(e.key()));
      after = page.getLast().id();
      if (changed.size() > Math.max(EVENT_PAGE, current.size() / 2)) {
        return null;
      }
    }
    if (changed.isEmpty()) {
      return current;
    }
    Map<String, RegistrationEntry> entries = new LinkedHashMap<>();
    current.entries().forEach(e -> entries.put(e.entryId(), e));
    changed.forEach(entries::remove);
    dataStore.fetchEntries(changed).forEach(e -> entries.put(e.entryId(), e));
    return AuthorizedEntryIndex.build(serverId, entries.values());
  }

  /**
   * Refreshes when the event log has moved since the last refresh with a change that can alter what an agent is
   * authorized for or told (an entry, a node, a bundle, a federation relationship); returns true if it did.
   * Events that cannot (the CA journal, where the audit trail's anchor moves every second under load, and join
   * tokens) are passed over without the rebuild and the push to every agent that a refresh costs.
   */
  public boolean pollEvents() {
    long seen = lastEventId;
    while (true) {
      List<ChangeEvent> events = dataStore.listEvents(seen, EVENT_PAGE);
      if (events.isEmpty()) {
        return false;
      }
      if (events.stream().anyMatch(e -> !PASSED_OVER.contains(e.kind()))) {
        refresh();
        return true;
      }
      seen = events.getLast().id();
      synchronized (this) {
        lastEventId = Math.max(lastEventId, seen);
      }
    }
  }

  /** Called after every refresh. */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }
}
