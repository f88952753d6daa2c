package dev.signet.datastore.sql;

import java.sql.SQLException;

/** A unit of JDBC work that may throw {@link SQLException}. */
@FunctionalInterface
interface SqlWork<C, T> {
  T run(C context) throws SQLException;
}
