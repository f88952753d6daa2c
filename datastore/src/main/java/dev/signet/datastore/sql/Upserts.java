package dev.signet.datastore.sql;

import java.sql.SQLException;

/**
 * Portable upsert support: callers try UPDATE, then INSERT. When a concurrent transaction inserted the
 * same key in between, the INSERT's unique violation is turned into a serialization failure, which
 * {@link Transactions} answers by re-running the whole transaction (whose UPDATE then finds the row).
 */
final class Upserts {
  private Upserts() {}

  @FunctionalInterface
  interface Insert {
    void run() throws SQLException;
  }

  static void insertOrRetry(Insert insert) throws SQLException {
    try {
      insert.run();
    } catch (SQLException e) {
      if (SqlErrors.uniqueViolation(e)) {
        throw new SQLException("concurrent insert of the same key; retrying", "40001", e);
      }
      throw e;
    }
  }
}
