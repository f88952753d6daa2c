package dev.signet.datastore.sql;

import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.DataStoreException.Kind;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Locale;

/** Maps JDBC failures onto {@link DataStoreException} kinds by SQLSTATE (same codes on H2 and PostgreSQL). */
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

  /** True when {@code e} names {@code constraint} (either database spells it in its message). */
  static boolean mentions(SQLException e, String constraint) {
    String message = e.getMessage();
    return message != null && message.toLowerCase(Locale.ROOT).contains(constraint);
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
    } else if (retryable(e) || state.equals("55P03")) {
      kind = Kind.CONFLICT;
    } else {
      kind = Kind.INTERNAL;
    }
    return new DataStoreException(kind, "datastore: failed to " + action + ": sqlstate " + state + ": "
        + e.getMessage(), e);
  }

  private static String state(SQLException e) {
    return e.getSQLState() == null ? "" : e.getSQLState();
  }
}
