package dev.signet.datastore.sql;

import dev.signet.datastore.ChangeEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The CA journal: opaque bytes keyed by name, owned and encoded by the CA manager. */
final class CaJournal {
  private CaJournal() {}

  static void set(Tx tx, String name, byte[] data, Instant now) throws SQLException {
    Connection c = tx.connection();
    try (PreparedStatement s = c.prepareStatement("UPDATE ca_journal SET data = ?, updated_at = ? WHERE name = ?")) {
      s.setBytes(1, data);
      s.setLong(2, now.toEpochMilli());
      s.setString(3, name);
      if (s.executeUpdate() == 0) {
        Upserts.insertOrRetry(() -> {
          try (PreparedStatement insert = c.prepareStatement(
              "INSERT INTO ca_journal (name, data, updated_at) VALUES (?, ?, ?)")) {
            insert.setString(1, name);
            insert.setBytes(2, data);
            insert.setLong(3, now.toEpochMilli());
            insert.executeUpdate();
          }
        });
      }
    }
    tx.changed(ChangeEvent.Kind.CA_JOURNAL, name);
  }

  static Optional<byte[]> fetch(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT data FROM ca_journal WHERE name = ?")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
      }
    }
  }
}
