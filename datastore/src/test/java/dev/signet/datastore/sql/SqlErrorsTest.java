package dev.signet.datastore.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.DataStoreException.Kind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The kinds JDBC failures map to, by SQLSTATE and by SQLite result code; a full database above all. */
class SqlErrorsTest {

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of(new SQLException("disk full", "53100"), Kind.NO_SPACE),
        Arguments.of(new SQLiteException("[SQLITE_FULL] database or disk is full", SQLiteErrorCode.SQLITE_FULL),
            Kind.NO_SPACE),
        Arguments.of(new SQLException("duplicate", "23505"), Kind.ALREADY_EXISTS),
        Arguments.of(new SQLException("connection failure", "08006"), Kind.UNAVAILABLE),
        Arguments.of(new SQLiteException("[SQLITE_BUSY] locked", SQLiteErrorCode.SQLITE_BUSY), Kind.UNAVAILABLE),
        Arguments.of(new SQLException("too many connections", "53300"), Kind.UNAVAILABLE),
        Arguments.of(new SQLiteException("[SQLITE_CORRUPT] malformed", SQLiteErrorCode.SQLITE_CORRUPT), Kind.INTERNAL),
        Arguments.of(new SQLException("no such table", "42P01"), Kind.INTERNAL));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapsFailureToKind(SQLException failure, Kind kind) {
    DataStoreException wrapped = SqlErrors.wrap(failure, "create entry \"x\"");
    assertThat(wrapped.kind()).isEqualTo(kind);
    assertThat(wrapped.getMessage()).startsWith("datastore: failed to create entry \"x\"");
  }

  /** A real SQLite database that runs out of pages: NO_SPACE, and what was committed before stays whole. */
  @Test
  void aFullSqliteDatabaseIsNoSpaceAndKeepsItsRows(@TempDir java.nio.file.Path dir) throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("full.db"))) {
      try (Statement statement = db.createStatement()) {
        statement.execute("create table t (v blob)");
        statement.execute("pragma max_page_count = 8");
      }
      int committed = 0;
      SQLException full = null;
      try (PreparedStatement insert = db.prepareStatement("insert into t values (?)")) {
        for (; committed < 100; committed++) {
          insert.setBytes(1, new byte[1024]);
          try {
            insert.executeUpdate();
          } catch (SQLException e) {
            full = e;
            break;
          }
        }
      }
      assertThat((Throwable) full).as("the database filled up").isNotNull();
      DataStoreException wrapped = SqlErrors.wrap(full, "insert");
      assertThat(wrapped.kind()).isEqualTo(Kind.NO_SPACE);
      assertThat(wrapped.getMessage()).contains("SQLITE_FULL");
      try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery("select count(*) from t")) {
        rows.next();
        assertThat(rows.getInt(1)).isEqualTo(committed);
      }
    }
  }
}
