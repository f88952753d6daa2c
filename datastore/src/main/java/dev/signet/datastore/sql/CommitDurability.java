package dev.signet.datastore.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a write transaction does after its commit so that the commit survives a crash before the caller
 * is told it succeeded.
 *
 * <p>H2's MVStore keeps no write-ahead log: by default a commit only reaches the file when a background
 * thread stores the changed pages (every {@code WRITE_DELAY} ms, 500 by default), so a process killed in
 * that window loses commits it had acknowledged. The embedded store therefore runs with
 * {@code WRITE_DELAY=0} (see {@link H2Urls}), which makes every commit write its chunk before returning
 * (durable against a process crash), and then forces the file to the device with {@code CHECKPOINT SYNC}
 * (durable against power loss: MVStore never calls fsync on its own). PostgreSQL needs nothing from us:
 * with its defaults ({@code fsync = on}, {@code synchronous_commit = on}) a commit returns after its WAL
 * record is flushed.
 */
enum CommitDurability {
  /** An H2 file: force the store to the device after every write transaction. */
  SYNC_H2_FILE {
    @Override
    void afterCommit(Connection connection) throws SQLException {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CHECKPOINT SYNC");
      }
    }
  },
  /**
   * The database makes its own commits durable (PostgreSQL; SQLite with {@code synchronous=FULL}, see
   * {@link SqlDialect#SQLITE}), or has no file to lose (in-memory H2).
   */
  BY_DATABASE {
    @Override
    void afterCommit(Connection connection) {}
  };

  /**
   * Called once when the store opens, before any write: H2 resolves the transactions a crash left open
   * (rolling back the unacknowledged, finishing the committed) while it opens, in memory; forcing the store
   * puts that resolution on the device before new writes build on it. One fsync per start; on its own it did
   * not stop the repeated-crash losses that {@link H2Urls}' retention time addresses, but the configuration
   * measured without losses includes it.
   */
  void afterOpen(javax.sql.DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      afterCommit(connection);
    } catch (SQLException e) {
      throw SqlErrors.wrap(e, "open the datastore");
    }
  }

  /** Called after {@code connection} committed a write, before the write is acknowledged. */
  abstract void afterCommit(Connection connection) throws SQLException;

  /** The durability step for {@code target}. */
  static CommitDurability of(JdbcTarget target) {
    return target.dialect() == SqlDialect.H2 && target.jdbcUrl().startsWith("jdbc:h2:file:") ? SYNC_H2_FILE
        : BY_DATABASE;
  }
}
