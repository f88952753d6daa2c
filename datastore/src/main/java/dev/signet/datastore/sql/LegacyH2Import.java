package dev.signet.datastore.sql;

import dev.signet.common.files.AtomicFiles;
import dev.signet.common.files.OwnerOnly;
import dev.signet.datastore.DataStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a store that earlier releases kept in H2 (the default, and {@code sqlite3}, which they served with
 * H2 at the same path less its extension) into the SQLite file that now takes its place, once, at the first
 * start that finds the H2 file and no SQLite file.
 *
 * <p>The rows are copied table by table in one transaction into a staging file next to the target, which is
 * renamed into place only when complete and on the device; the H2 file is then renamed to
 * {@code <name>.mv.db.imported} and kept. A crash at any point leaves either the H2 file to import again
 * (the staging file is discarded) or the complete SQLite file. The H2 store is migrated to the current
 * schema first, so both sides have the same tables and columns; a table this class does not know about is an
 * error, never silently left behind.
 */
final class LegacyH2Import {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyH2Import.class);
  /** Every table, parents before children (foreign keys); {@code event_head}'s one row is replaced. */
  private static final List<String> TABLES = List.of("bundles", "registered_entries", "entry_selectors",
      "entry_federates_with", "entry_dns_names", "attested_nodes", "node_selectors", "join_tokens", "ca_journal",
      "federation_relationships", "event_head", "change_events");
  private static final String HISTORY = "signet_schema_history";
  private static final SqlConfig COPY_POOL = new SqlConfig(DatabaseType.H2, "", 2, 1, Duration.ZERO, false);

  private LegacyH2Import() {}

  /**
   * Imports {@code <h2Base>.mv.db} into {@code sqliteFile} when the first exists and the second does not;
   * returns whether it did.
   */
  static boolean importIfPresent(Path h2Base, Path sqliteFile) {
    EmbeddedFilePermissions h2 = EmbeddedFilePermissions.h2(h2Base);
    if (Files.exists(sqliteFile) || !Files.exists(h2.storeFile())) {
      return false;
    }
    Path staging = sqliteFile.resolveSibling(sqliteFile.getFileName() + ".importing");
    try {
      discard(staging);
      LOG.info("sql: importing the h2 store \"{}\" into \"{}\"", h2.storeFile(), sqliteFile);
      long rows;
      try (SqlDataStore from = SqlDataStore.openTarget(COPY_POOL, JdbcTarget.h2(H2Urls.file(h2Base)), Clock.systemUTC());
          SqlDataStore to = SqlDataStore.openTarget(COPY_POOL, JdbcTarget.sqlite(staging), Clock.systemUTC())) {
        rows = copy(from.pools().reader(), to.pools().writer());
      }
      if (Files.exists(walOf(staging))) {
        throw new IOException("the staging file's write-ahead log " + walOf(staging) + " was not checkpointed");
      }
      OwnerOnly.restrict(staging);
      AtomicFiles.publish(staging, sqliteFile);
      Path kept = h2.storeFile().resolveSibling(h2.storeFile().getFileName() + ".imported");
      Files.move(h2.storeFile(), kept);
      AtomicFiles.forceDirectory(kept.toAbsolutePath().getParent());
      LOG.info("sql: imported {} rows from the h2 store; it is kept as \"{}\" and no longer read", rows, kept);
      return true;
    } catch (IOException e) {
      throw new DataStoreException(DataStoreException.Kind.UNAVAILABLE, "sql: cannot import the h2 store \""
          + h2.storeFile() + "\" into \"" + sqliteFile + "\": " + e.getMessage(), e);
    } catch (SQLException e) {
      throw SqlErrors.wrap(e, "import the h2 store \"" + h2.storeFile() + "\" into \"" + sqliteFile + "\"");
    }
  }

  private static long copy(javax.sql.DataSource source, javax.sql.DataSource target) throws SQLException {
    try (Connection from = source.getConnection(); Connection to = target.getConnection()) {
      checkTables(from);
      to.setAutoCommit(false);
      long rows = 0;
      try (Statement s = to.createStatement()) {
        s.executeUpdate("DELETE FROM event_head");
      }
      for (String table : TABLES) {
        rows += copyTable(from, to, table);
      }
      to.commit();
      return rows;
    }
  }

  private static long copyTable(Connection from, Connection to, String table) throws SQLException {
    long rows = 0;
    try (Statement s = from.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
      ResultSetMetaData meta = rs.getMetaData();
      int n = meta.getColumnCount();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        columns.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
      }
      String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
          + Sql.markers(n) + ")";
      try (PreparedStatement out = to.prepareStatement(insert)) {
        while (rs.next()) {
          for (int i = 1; i <= n; i++) {
            out.setObject(i, rs.getObject(i));
          }
          out.addBatch();
          if (++rows % 500 == 0) {
            out.executeBatch();
          }
        }
        out.executeBatch();
      }
    }
    return rows;
  }

  private static void checkTables(Connection from) throws SQLException {
    Set<String> found = new TreeSet<>();
    try (ResultSet rs = from.getMetaData().getTables(null, "public", "%", new String[] {"TABLE", "BASE TABLE"})) {
      while (rs.next()) {
        found.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
      }
    }
    found.remove(HISTORY);
    if (!found.equals(new TreeSet<>(TABLES))) {
      throw new SQLException("the h2 store's tables " + found + " are not the ones known to the import "
          + TABLES.stream().sorted().collect(Collectors.toList()));
    }
  }

  private static void discard(Path staging) throws IOException {
    for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
      Files.deleteIfExists(staging.resolveSibling(staging.getFileName() + suffix));
    }
  }

  private static Path walOf(Path file) {
    return file.resolveSibling(file.getFileName() + "-wal");
  }
}
