package dev.signet.datastore.sql;

import dev.signet.datastore.ChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only change log. Ids come from the single {@code event_head} row: a writer increments it
 * as the last step of its transaction and holds that row lock until commit, so transactions that emit
 * events commit in id order and a reader never sees event {@code n+1} without event {@code n}. The
 * serialized section is only the final few statements of each write.
 */
final class EventLog {

  /** Numbers and inserts the transaction's pending events; no-op when there are none. */
  void append(Tx tx, Instant at) throws SQLException {
    List<Tx.PendingEvent> pending = tx.events();
    if (pending.isEmpty()) {
      return;
    }
    Connection c = tx.connection();
    try (PreparedStatement bump = c.prepareStatement("UPDATE event_head SET last_id = last_id + ? WHERE id = 1")) {
      bump.setLong(1, pending.size());
      bump.executeUpdate();
    }
    long last;
    try (PreparedStatement head = c.prepareStatement("SELECT last_id FROM event_head WHERE id = 1");
        ResultSet rs = head.executeQuery()) {
      rs.next();
      last = rs.getLong(1);
    }
    long id = last - pending.size() + 1;
    try (PreparedStatement insert = c.prepareStatement(
        "INSERT INTO change_events (id, kind, event_key, at) VALUES (?, ?, ?, ?)")) {
      for (Tx.PendingEvent event : pending) {
        insert.setLong(1, id++);
        insert.setString(2, event.kind().name());
        insert.setString(3, event.key());
        insert.setLong(4, at.toEpochMilli());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  List<ChangeEvent> list(Connection c, long afterId, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT id, kind, event_key, at FROM change_events WHERE id > ? ORDER BY id LIMIT ?")) {
      s.setLong(1, afterId);
      s.setInt(2, limit);
      List<ChangeEvent> events = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          events.add(new ChangeEvent(rs.getLong(1), ChangeEvent.Kind.valueOf(rs.getString(2)), rs.getString(3),
              Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
      return events;
    }
  }

  long latest(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT MAX(id) FROM change_events");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  int prune(Connection c, Instant before) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM change_events WHERE at < ?")) {
      s.setLong(1, before.toEpochMilli());
      return s.executeUpdate();
    }
  }
}
