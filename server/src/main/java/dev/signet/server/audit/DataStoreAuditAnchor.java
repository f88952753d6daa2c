package dev.signet.server.audit;

import dev.signet.datastore.DataStore;
import java.util.Optional;

/**
 * Keeps the trail's anchor in the datastore's named-blob store (the table the CA journal uses), under
 * {@code audit-head/<key id>}: servers sharing one database each keep their own trail and key, hence their
 * own anchor. An attacker who can edit the trail file but not the database cannot move the anchor back.
 */
public final class DataStoreAuditAnchor implements AuditAnchor {
  private final DataStore dataStore;
  private final String name;

  public DataStoreAuditAnchor(DataStore dataStore, AuditKey key) {
    this.dataStore = dataStore;
    this.name = nameFor(key);
  }

  /** The datastore name of {@code key}'s anchor. */
  public static String nameFor(AuditKey key) {
    return "audit-head/" + key.id();
  }

  @Override
  public Optional<Head> load() {
    return dataStore.fetchCaJournal(name).map(Head::decode);
  }

  @Override
  public void save(Head head) {
    dataStore.setCaJournal(name, head.encode());
  }
}
