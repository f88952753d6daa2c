package dev.signet.server.entrycache;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps an {@link AuthorizedEntryIndex} of all entries current. Changes made through this server call
 * {@link #refresh()} directly; changes made by other servers sharing the database arrive through the
 * datastore's change-event log, which {@link #pollEvents()} reads (the caller schedules it).
 */
public final class EntryCache {
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
   * Rebuilds the index from the datastore and tells listeners (agents' push streams); returns once the index
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
      index.set(AuthorizedEntryIndex.build(serverId, dataStore.listAllEntries()));
      lastEventId = Math.max(lastEventId, eventsBefore);
      covered = upTo;
      listeners.forEach(Runnable::run);
    }
  }

  /** Refreshes when the event log has moved since the last refresh; returns true if it did. */
  public boolean pollEvents() {
    List<ChangeEvent> events = dataStore.listEvents(lastEventId, 1);
    if (events.isEmpty()) {
      return false;
    }
    refresh();
    return true;
  }

  /** Called after every refresh. */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }
}
