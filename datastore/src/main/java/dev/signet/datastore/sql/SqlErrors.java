package dev.signet.datastore.sql;

import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.DataStoreException.Kind;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import org.sqlite.SQLiteException;

/**
 * Maps JDBC failures onto {@link DataStoreException} kinds by SQLSTATE (the same codes on H2 and
 * PostgreSQL). The SQLite driver reports no SQLSTATE, only SQLite's extended result code: the codes that
 * matter here are given their SQLSTATE equivalents first ({@link #state}). A full disk (PostgreSQL's
 * {@code 53100 disk_full}, SQLite's {@code SQLITE_FULL}) is {@link Kind#NO_SPACE}: nothing was written, and
 * the write can succeed once there is room, so it is not the server's bug (INTERNAL).
 */
final class SqlErrors {
  private SqlErrors() {}

  /** True for failures a retry of the whole transaction may cure (deadlock, serialization). */
  static boolean retryable(SQLException e) {
    String state = state(e);
    return state.equals("40001") || state.equals("40P01") || state.equals("90131");
  }

  /** True when {@code e} is a unique-constraint violation. */
  static boolean uniqueViolation(SQLException e) {
    return state(e).equals("23505");
  }

  /**
   * Wraps {@code e}; {@code action} is a lower-case description quoting the value involved, e.g.
   * {@code create entry "abc"}.
   */
  static DataStoreException wrap(SQLException e, String action) {
    String state = state(e);
    Kind kind;
    if (state.equals("23505")) {
      kind = Kind.ALREADY_EXISTS;
    } else if (state.startsWith("23")) {
      kind = state.equals("23503") || state.equals("23506") ? Kind.CONFLICT : Kind.INVALID_ARGUMENT;
    } else if (state.startsWith("08") || state.equals("HYT00") || state.equals("57014") || state.equals("57P01")
        || state.equals("53300") || e instanceof SQLTransientException) {
      kind = Kind.UNAVAILABLE;
    } else if (state.equals("53100")) { // disk_full
      kind = Kind.NO_SPACE;
    } else if (retryable(e) || state.equals("55P03")) {
      kind = Kind.CONFLICT;
    } else {
      kind = Kind.INTERNAL;
    }
    return new DataStoreException(kind, "datastore: failed to " + action + ": sqlstate " + state + ": "
        + e.getMessage(), e);
  }

  /** The SQLSTATE of {@code e}, or its SQLite result code's equivalent; empty when neither says. */
  private static String state(SQLException e) {
    if (e.getSQLState() != null) {
      return e.getSQLState();
    }
    if (e instanceof SQLiteException sqlite) {
      return switch (sqlite.getResultCode()) {
        case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY -> "23505";
        case SQLITE_CONSTRAINT_FOREIGNKEY -> "23503";
        case SQLITE_CONSTRAINT_NOTNULL -> "23502";
        case SQLITE_CONSTRAINT_CHECK -> "23514";
        case SQLITE_FULL -> "53100"; // PostgreSQL's disk_full: the file system (or max_page_count) has no room
        case SQLITE_BUSY_SNAPSHOT -> "40001"; // a read snapshot went stale under a writer: retry from the start
        case SQLITE_BUSY, SQLITE_BUSY_RECOVERY, SQLITE_BUSY_TIMEOUT, SQLITE_LOCKED -> "HYT00"; // waited busy_timeout for the writer
        default -> "";
      };
    }
    return "";
  }
}
