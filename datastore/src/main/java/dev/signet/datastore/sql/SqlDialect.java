package dev.signet.datastore.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * What differs between the databases behind {@code DataStore "sql"}: the driver, the migration scripts,
 * how a writer keeps the rows it read from changing under it, how a read gets one snapshot, and the
 * connection settings the store relies on. Everything else (the SQL of {@link EntryWriter}, {@link Nodes}…)
 * is shared.
 */
enum SqlDialect {
  /** Embedded H2 in PostgreSQL mode: the PostgreSQL scripts run unchanged (see {@link H2Urls}). */
  H2("org.h2.Driver", "classpath:db/migration", " FOR UPDATE", Map.of(), Map.of()),
  /** An external PostgreSQL server. */
  POSTGRES("org.postgresql.Driver", "classpath:db/migration", " FOR UPDATE", Map.of(), Map.of()),
  /**
   * Embedded SQLite, SPIRE's default store. SQLite has no row locks: it has one writer at a time, so the
   * store gives writes a single connection whose transactions begin {@code IMMEDIATE} (they take the write
   * lock at {@code BEGIN}, before their first read: what they read cannot change before they commit) and
   * gives reads their own connections, which in WAL mode see one snapshot each and never wait for the
   * writer. {@code synchronous=FULL} makes a commit fsync the write-ahead log before it returns (durable
   * against a crash and power loss); foreign keys are off in SQLite unless each connection turns them on.
   */
  SQLITE("org.sqlite.JDBC", "classpath:db/sqlite", "",
      Map.of("journal_mode", "WAL", "synchronous", "FULL", "busy_timeout", "10000", "foreign_keys", "true",
          "transaction_mode", "IMMEDIATE"),
      Map.of("journal_mode", "WAL", "synchronous", "FULL", "busy_timeout", "10000", "foreign_keys", "true",
          "transaction_mode", "DEFERRED"));

  private final String driverClass;
  private final String migrations;
  private final String rowLock;
  private final Map<String, String> writerProperties;
  private final Map<String, String> readerProperties;

  SqlDialect(String driverClass, String migrations, String rowLock, Map<String, String> writerProperties,
      Map<String, String> readerProperties) {
    this.driverClass = driverClass;
    this.migrations = migrations;
    this.rowLock = rowLock;
    this.writerProperties = writerProperties;
    this.readerProperties = readerProperties;
  }

  String driverClass() {
    return driverClass;
  }

  /** The Flyway location of the SQL migrations (the Java ones are shared). */
  String migrations() {
    return migrations;
  }

  /**
   * Appended to a SELECT inside a write transaction to lock the rows it returns until commit; empty where
   * the whole database is the writer's ({@link #SQLITE}).
   */
  String rowLock() {
    return rowLock;
  }

  /** True when writes must go through one connection (the database allows one writer at a time). */
  boolean singleWriter() {
    return this == SQLITE;
  }

  /** Driver properties of the connections that write (and migrate). */
  Map<String, String> writerProperties() {
    return writerProperties;
  }

  /** Driver properties of the connections that only read. */
  Map<String, String> readerProperties() {
    return readerProperties;
  }

  /**
   * Makes the transaction about to start on {@code connection} a read of one snapshot: REPEATABLE READ
   * and read-only on H2 and PostgreSQL; on SQLite every transaction is serializable and a WAL reader's
   * first SELECT fixes its snapshot, and the driver allows neither setting after connecting.
   */
  void prepareRead(Connection connection) throws SQLException {
    if (this != SQLITE) {
      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setReadOnly(true);
    }
  }
}
