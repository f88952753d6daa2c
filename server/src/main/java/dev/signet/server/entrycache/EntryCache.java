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

  public EntryCache(DataStore dataStore, SpiffeId serverId) {
    this.dataStore = dataStore;
    this.serverId = serverId;
    refresh();
  }

  /** The current index; immutable, safe to use without locks. */
  public AuthorizedEntryIndex index() {
    return index.get();
  }

  /** Rebuilds the index from the datastore and tells listeners (agents' push streams). */
  public synchronized void refresh() {
    long eventsBefore = dataStore.latestEventId();
    index.set(AuthorizedEntryIndex.build(serverId, dataStore.listAllEntries()));
    lastEventId = Math.max(lastEventId, eventsBefore);
    listeners.forEach(Runnable::run);
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
