package dev.signet.datastore.sql;

import dev.signet.common.secret.Secret;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A resolved database to connect to. {@link #toString()} never prints the password.
 *
 * @param dialect which database it is
 * @param user null when the URL or the driver's defaults supply it
 * @param password null when none
 */
record JdbcTarget(SqlDialect dialect, String jdbcUrl, String user, Secret password) {
  /** The URL prefix of a SQLite file database; the rest is the file's path. */
  static final String SQLITE_PREFIX = "jdbc:sqlite:";

  JdbcTarget {
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
  }

  /** The SQLite database in {@code file}. */
  static JdbcTarget sqlite(Path file) {
    return new JdbcTarget(SqlDialect.SQLITE, SQLITE_PREFIX + file.toAbsolutePath().normalize(), null, null);
  }

  /** The H2 database at {@code url}. */
  static JdbcTarget h2(String url) {
    return new JdbcTarget(SqlDialect.H2, url, null, null);
  }

  /** For an embedded file database (SQLite, H2), its files; empty for in-memory H2 and PostgreSQL. */
  Optional<EmbeddedFilePermissions> embeddedFiles() {
    return switch (dialect) {
      case SQLITE -> Optional.of(EmbeddedFilePermissions.sqlite(Path.of(jdbcUrl.substring(SQLITE_PREFIX.length()))));
      case H2 -> Optional.ofNullable(H2Urls.filePath(jdbcUrl)).map(EmbeddedFilePermissions::h2);
      case POSTGRES -> Optional.empty();
    };
  }

  /** True for an H2 database that lives in memory (tests). */
  boolean inMemoryH2() {
    return dialect == SqlDialect.H2 && jdbcUrl.startsWith("jdbc:h2:mem:");
  }

  @Override
  public String toString() {
    return "JdbcTarget[" + jdbcUrl + (user == null ? "" : ", user=" + user)
        + (password == null ? "" : ", password=" + password) + "]";
  }
}
