package dev.signet.datastore.sql;

import dev.signet.common.secret.Secret;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A resolved database to connect to. {@link #toString()} never prints the password.
 *
 * @param embedded true for H2 (embedded, needs no server), false for PostgreSQL
 * @param user null when the URL or the driver's defaults supply it
 * @param password null when none
 */
public record JdbcTarget(boolean embedded, String jdbcUrl, String user, Secret password) {
  public JdbcTarget {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
  }

  /** For an embedded H2 file database, its path without {@code .mv.db}; empty for memory and PostgreSQL. */
  public Optional<Path> embeddedFileBase() {
    return embedded ? Optional.ofNullable(H2Urls.filePath(jdbcUrl)) : Optional.empty();
  }

  @Override
  public String toString() {
    return "JdbcTarget[" + jdbcUrl + (user == null ? "" : ", user=" + user)
        + (password == null ? "" : ", password=" + password) + "]";
  }
}
