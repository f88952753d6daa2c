package dev.signet.server.ca;

import dev.signet.ca.manager.JournalStore;
import dev.signet.datastore.DataStore;
import java.util.Optional;

/**
 * Keeps the CA journal in the datastore, so servers sharing a PostgreSQL database share CA state and a
 * restarted server resumes with the same authorities.
 */
public final class DataStoreJournal implements JournalStore {
  private static final String NAME = "ca";
  private final DataStore dataStore;

  public DataStoreJournal(DataStore dataStore) {
    this.dataStore = dataStore;
  }

  @Override
  public Optional<byte[]> load() {
    return dataStore.fetchCaJournal(NAME);
  }

  @Override
  public void save(byte[] journal) {
    dataStore.setCaJournal(NAME, journal);
  }
}
