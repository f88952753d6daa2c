package dev.signet.datastore.sql;

import static dev.signet.common.testing.FileModes.mode;
import static dev.signet.datastore.testing.TestEntries.entry;
import static dev.signet.datastore.testing.TestEntries.id;
import static dev.signet.datastore.testing.TestEntries.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.files.ProcessUmask;
import dev.signet.common.time.ManualClock;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.FederationRelationship;
import dev.signet.datastore.JoinToken;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.datastore.StoredBundle;
import dev.signet.datastore.testing.DataStoreContractTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The datastore contract on embedded SQLite, the default store, plus what is special to its files. */
class SqliteDataStoreTest extends DataStoreContractTest {
  private static final SqlConfig H2_FILE = new SqlConfig(DatabaseType.H2, "", 0, 2, null, false);

  @TempDir Path dataDir;

  @Override
  protected DataStore openEmptyStore(ManualClock clock) {
    SqlConfig config = new SqlConfig(DatabaseType.SQLITE3, dataDir.resolve("contract-" + UUID.randomUUID()
        + ".sqlite3").toString(), 20, 2, Duration.ZERO, false);
    return SqlDataStore.open(config, null, clock);
  }

  @Test
  void theDefaultStoreIsASqliteFileUnderTheDataDirThatSurvivesReopening() throws Exception {
    Path home = dataDir.resolve("server");
    RegistrationEntry created;
    try (SqlDataStore file = SqlDataStore.open(SqlConfig.defaults(), home, clock)) {
      created = file.createEntry(entry("/a", "/p", "unix:uid:1"));
    }
    assertThat(home.resolve("datastore.sqlite3")).exists();
    assertThat(Files.readString(home.resolve("datastore.sqlite3"), StandardCharsets.ISO_8859_1))
        .startsWith("SQLite format 3");

    try (SqlDataStore reopened = SqlDataStore.open(SqlConfig.defaults(), home, clock)) {
      assertThat(reopened.fetchEntry(created.entryId())).contains(created);
      assertThat(reopened.latestEventId()).isEqualTo(1);
    }
  }

  @Test
  void everyFileOfTheStoreIsOwnerOnlyWhateverTheUmask() throws Exception {
    Path home = dataDir.resolve("server");
    int umask = ProcessUmask.set(0); // the most permissive: every mode comes from the store itself
    try (SqlDataStore file = SqlDataStore.open(SqlConfig.defaults(), home, clock)) {
      file.createJoinToken(new JoinToken("t", Instant.parse("2030-01-01T00:00:00Z")));
      assertThat(SqlDataStore.embeddedStoreFiles(SqlConfig.defaults(), home))
          .containsExactly(home.resolve("datastore.sqlite3"), home.resolve("datastore.sqlite3-wal"));
      try (var files = Files.list(home)) {
        // SQLite creates the write-ahead log and its index with the database file's own mode
        assertThat(files.toList()).contains(home.resolve("datastore.sqlite3"), home.resolve("datastore.sqlite3-wal"),
            home.resolve("datastore.sqlite3-shm")).allSatisfy(f -> assertThat(mode(f)).as(f.toString())
                .isEqualTo("rw-------"));
      }
    } finally {
      ProcessUmask.set(umask);
    }
    assertThat(mode(home)).isEqualTo("rwx------");
  }

  @Test
  void anExistingStoreKeepsItsModeForTheStartUpCheckToJudge() throws Exception {
    try (SqlDataStore file = SqlDataStore.open(SqlConfig.defaults(), dataDir, clock)) {
      file.createEntry(entry("/a", "/p", "unix:uid:1"));
    }
    Path store = dataDir.resolve("datastore.sqlite3");
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r-----"));

    SqlDataStore.open(SqlConfig.defaults(), dataDir, clock).close();

    assertThat(mode(store)).isEqualTo("rw-r-----");
  }

  @Test
  void anH2StoreOfAnEarlierReleaseIsImportedOnceAndKept() throws Exception {
    Instant notAfter = Instant.parse("2030-01-01T00:00:00Z");
    RegistrationEntry federated;
    long events;
    try (SqlDataStore h2 = SqlDataStore.open(H2_FILE, dataDir, clock)) {
      h2.createBundle(new StoredBundle("other.example", new byte[] {1, 2, 3}));
      h2.createEntry(entry("/a", "/p", "unix:uid:1"));
      RegistrationEntry e = entry("/b", "/p", "unix:uid:2", "unix:gid:3");
      federated = h2.createEntry(new RegistrationEntry("", e.spiffeId(), e.parentId(), e.selectors(), 300, 60,
          List.of("other.example"), false, true, 0, List.of("b.example"), 0, true, "hint", 0));
      h2.createAttestedNode(node("/agent", "join_token", "1", notAfter, "tag:x"));
      h2.banNode(id("/agent"));
      h2.createJoinToken(new JoinToken("token-1", notAfter));
      h2.setCaJournal("journal", new byte[] {9, 8, 7});
      h2.createFederationRelationship(new FederationRelationship("other.example",
          URI.create("https://other.example/bundle"), FederationRelationship.HTTPS_WEB, null));
      events = h2.latestEventId();
    }
    Path h2File = dataDir.resolve("datastore.mv.db");
    assertThat(h2File).exists();

    try (SqlDataStore sqlite = SqlDataStore.open(SqlConfig.defaults(), dataDir, clock)) {
      assertThat(sqlite.listAllEntries()).hasSize(2);
      assertThat(sqlite.fetchEntry(federated.entryId())).contains(federated);
      assertThat(sqlite.fetchAttestedNode(id("/agent"))).hasValueSatisfying(n -> assertThat(n.banned()).isTrue());
      assertThat(sqlite.getNodeSelectors(id("/agent"))).hasSize(1);
      assertThat(sqlite.fetchCaJournal("journal")).hasValueSatisfying(d -> assertThat(d).containsExactly(9, 8, 7));
      assertThat(sqlite.fetchFederationRelationship("other.example")).isPresent();
      assertThat(sqlite.latestEventId()).isEqualTo(events);
      assertThat(sqlite.consumeJoinToken("token-1")).contains(notAfter);
      // new rows get new keys and new event ids after the imported ones
      RegistrationEntry later = sqlite.createEntry(entry("/c", "/p", "unix:uid:4"));
      assertThat(sqlite.listAllEntries()).extracting(RegistrationEntry::entryId).endsWith(later.entryId());
      assertThat(sqlite.latestEventId()).isGreaterThan(events);
    }
    assertThat(h2File).doesNotExist();
    assertThat(dataDir.resolve("datastore.mv.db.imported")).exists();
    assertThat(mode(dataDir.resolve("datastore.sqlite3"))).isEqualTo("rw-------");

    try (SqlDataStore again = SqlDataStore.open(SqlConfig.defaults(), dataDir, clock)) {
      assertThat(again.listAllEntries()).hasSize(3); // not imported a second time
    }
  }

  @Test
  void anImportThatDiedHalfWayIsStartedAgainFromTheH2File() throws Exception {
    try (SqlDataStore h2 = SqlDataStore.open(H2_FILE, dataDir, clock)) {
      h2.createEntry(entry("/a", "/p", "unix:uid:1"));
    }
    Files.writeString(dataDir.resolve("datastore.sqlite3.importing"), "half a database");

    try (SqlDataStore sqlite = SqlDataStore.open(SqlConfig.defaults(), dataDir, clock)) {
      assertThat(sqlite.listAllEntries()).hasSize(1);
    }
    assertThat(dataDir.resolve("datastore.sqlite3.importing")).doesNotExist();
  }

  @Test
  void aFileWithAnotherSchemaIsRefusedAndLeftAlone() throws Exception {
    Path spire = dataDir.resolve("spire.sqlite3");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + spire); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE registered_entries (id INTEGER PRIMARY KEY, spiffe_id TEXT)");
      s.execute("INSERT INTO registered_entries (spiffe_id) VALUES ('spiffe://example.org/x')");
    }
    SqlConfig config = new SqlConfig(DatabaseType.SQLITE3, spire.toString(), 0, 2, null, false);

    assertThatThrownBy(() -> SqlDataStore.open(config, null, clock)).isInstanceOf(DataStoreException.class)
        .hasMessageContaining("schema migration failed");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + spire); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT spiffe_id FROM registered_entries")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("spiffe://example.org/x");
    }
  }

  /**
   * SQLite rolls a transaction back by itself on SQLITE_FULL (a full disk); the write's own rollback then fails.
   * That connection must not serve the next write (found by DiskFullEndToEndTest: every later write failed
   * "cannot commit - no transaction is active" until a restart, its statements committed one by one).
   */
  @Test
  void aWriteThatSqliteRolledBackByItselfLeavesNoBrokenConnectionBehind() {
    try (SqlDataStore store = SqlDataStore.open(SqlConfig.defaults(), dataDir.resolve("auto-rollback"), clock)) {
      assertThatThrownBy(() -> store.transactions().write(() -> "fill the disk", tx -> {
        tx.connection().createStatement().execute("rollback"); // what SQLite does on SQLITE_FULL
        throw new org.sqlite.SQLiteException("[SQLITE_FULL] database or disk is full",
            org.sqlite.SQLiteErrorCode.SQLITE_FULL);
      })).isInstanceOfSatisfying(DataStoreException.class,
          e -> assertThat(e.kind()).isEqualTo(DataStoreException.Kind.NO_SPACE));

      RegistrationEntry first = store.createEntry(entry("/after/1", "/p", "unix:uid:1"));
      RegistrationEntry second = store.createEntry(entry("/after/2", "/p", "unix:uid:2"));
      assertThat(store.fetchEntry(first.entryId())).contains(first);
      assertThat(store.fetchEntry(second.entryId())).contains(second);
      assertThat(store.latestEventId()).isEqualTo(2);
    }
  }
}
