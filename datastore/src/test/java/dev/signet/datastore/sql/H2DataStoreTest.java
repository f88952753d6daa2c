package dev.signet.datastore.sql;

import static dev.signet.common.testing.FileModes.mode;
import static dev.signet.datastore.testing.TestEntries.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.time.ManualClock;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.ItemOutcome;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.datastore.testing.DataStoreContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Instant;
import dev.signet.common.files.ProcessUmask;
import dev.signet.datastore.JoinToken;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The datastore contract on embedded H2 (in memory), plus H2-file specifics. */
class H2DataStoreTest extends DataStoreContractTest {
  /** An H2 file under the data dir: {@code database_type = "h2"}. */
  private static final SqlConfig H2_FILE = new SqlConfig(DatabaseType.H2, "", 0, 2, null, false);

  @TempDir Path dataDir;

  @Override
  protected DataStore openEmptyStore(ManualClock clock) {
    SqlConfig config = new SqlConfig(DatabaseType.H2, H2Urls.memory("contract-" + UUID.randomUUID()), 20, 1,
        Duration.ZERO, false);
    return SqlDataStore.open(config, null, clock);
  }

  @Test
  void anH2StoreIsAFileUnderTheDataDirAndSurvivesReopening() {
    RegistrationEntry created;
    try (SqlDataStore file = SqlDataStore.open(H2_FILE, dataDir, clock)) {
      created = file.createEntry(entry("/a", "/p", "unix:uid:1"));
    }
    assertThat(dataDir.resolve("datastore.mv.db")).exists();

    try (SqlDataStore reopened = SqlDataStore.open(H2_FILE, dataDir, clock)) {
      assertThat(reopened.fetchEntry(created.entryId())).contains(created);
      assertThat(reopened.latestEventId()).isEqualTo(1);
    }
  }

  @Test
  void theEmbeddedStoreIsOwnerOnlyWhateverTheUmask() throws Exception {
    Path home = dataDir.resolve("server");
    int umask = ProcessUmask.set(0); // the most permissive: every mode comes from the store itself
    try (SqlDataStore file = SqlDataStore.open(H2_FILE, home, clock)) {
      file.createJoinToken(new JoinToken("t", Instant.parse("2030-01-01T00:00:00Z")));
      assertThat(SqlDataStore.embeddedStoreFiles(H2_FILE, home)).containsExactly(home.resolve("datastore.mv.db"));
      assertThat(mode(home.resolve("datastore.mv.db"))).isEqualTo("rw-------");
      // as H2 does on the first error it logs, long after the open: a trace file with the umask's mode
      Files.writeString(home.resolve("datastore.trace.db"), "error");
    } finally {
      ProcessUmask.set(umask);
    }
    assertThat(mode(home)).isEqualTo("rwx------");
    try (var files = Files.list(home)) {
      assertThat(files.toList()).contains(home.resolve("datastore.mv.db"), home.resolve("datastore.trace.db"))
          .allSatisfy(f -> assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"));
    }
  }

  @Test
  void anExistingStoreKeepsItsModeForTheStartUpCheckToJudge() throws Exception {
    try (SqlDataStore file = SqlDataStore.open(H2_FILE, dataDir, clock)) {
      file.createEntry(entry("/a", "/p", "unix:uid:1"));
    }
    Path store = dataDir.resolve("datastore.mv.db");
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r-----"));

    SqlDataStore.open(H2_FILE, dataDir, clock).close();

    assertThat(mode(store)).isEqualTo("rw-r-----");
    assertThat(SqlDataStore.embeddedStoreFiles(H2_FILE, dataDir)).containsExactly(store);
    assertThat(SqlDataStore.embeddedStoreFiles(new SqlConfig(DatabaseType.H2, H2Urls.memory("m"), 2, 1,
        Duration.ZERO, false), dataDir)).isEmpty();
  }

  @Test
  void aBatchThatHitsADeadlockRunsAgainFromItsFirstItem() {
    SqlDataStore sql = (SqlDataStore) store;
    RegistrationEntry a = entry("/a", "/p", "unix:uid:1");
    RegistrationEntry b = entry("/b", "/p", "unix:uid:2");
    AtomicInteger attempts = new AtomicInteger();

    List<ItemOutcome<RegistrationEntry>> outcomes = sql.transactions().writeEach(() -> "a batch", List.of(a, b),
        e -> "an entry", (tx, e) -> {
          RegistrationEntry created = EntryWriter.create(tx, e, START);
          if (e == b && attempts.incrementAndGet() == 1) {
            throw new SQLException("deadlock detected", "40P01");
          }
          return created;
        });

    assertThat(attempts).hasValue(2);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(store.countEntries(EntryFilter.ALL)).isEqualTo(2);
    assertThat(store.latestEventId()).isEqualTo(2);
  }

  @Test
  void aBatchWhoseTransactionFailsStoresNoneOfItsItems() {
    SqlDataStore sql = (SqlDataStore) store;
    RegistrationEntry a = entry("/a", "/p", "unix:uid:1");
    RegistrationEntry b = entry("/b", "/p", "unix:uid:2");

    assertThatThrownBy(() -> sql.transactions().writeEach(() -> "a batch", List.of(a, b), e -> "an entry",
        (tx, e) -> {
          RegistrationEntry created = EntryWriter.create(tx, e, START);
          if (e == b) {
            throw new IllegalStateException("a bug after the second insert");
          }
          return created;
        })).hasMessage("a bug after the second insert");

    assertThat(store.countEntries(EntryFilter.ALL)).isZero();
    assertThat(store.latestEventId()).isZero();
  }

  @Test
  void disableMigrationRefusesAnEmptySchema() {
    SqlConfig config = new SqlConfig(DatabaseType.H2, H2Urls.memory("nomigrate-" + UUID.randomUUID()), 2, 1,
        Duration.ZERO, true);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqlDataStore.open(config, null, clock))
        .isInstanceOf(dev.signet.datastore.DataStoreException.class)
        .hasMessageContaining("disable_migration");
  }
}
