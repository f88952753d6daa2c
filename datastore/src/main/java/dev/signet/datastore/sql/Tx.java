package dev.signet.datastore.sql;

import dev.signet.datastore.ChangeEvent;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * A write transaction in progress: its connection and the change events it will append just before
 * commit (see {@link EventLog#append}).
 */
final class Tx {
  /** An event not yet numbered. */
  record PendingEvent(ChangeEvent.Kind kind, String key) {}

  private final Connection connection;
  private final SqlDialect dialect;
  private final List<PendingEvent> events = new ArrayList<>();

  Tx(Connection connection, SqlDialect dialect) {
    this.connection = connection;
    this.dialect = dialect;
  }

  Connection connection() {
    return connection;
  }

  /**
   * Appended to a SELECT to keep the rows it returns unchanged until this transaction ends
   * ({@code FOR UPDATE}, or nothing where the writer already holds the whole database).
   */
  String rowLock() {
    return dialect.rowLock();
  }

  /** Records that {@code key} of {@code kind} changed in this transaction. */
  void changed(ChangeEvent.Kind kind, String key) {
    events.add(new PendingEvent(kind, key));
  }

  List<PendingEvent> events() {
    return events;
  }

  /** How many events are pending, to {@link #discardEventsFrom} later. */
  int eventMark() {
    return events.size();
  }

  /** Forgets the events recorded since {@code mark}: their writes were rolled back to a savepoint. */
  void discardEventsFrom(int mark) {
    events.subList(mark, events.size()).clear();
  }
}
