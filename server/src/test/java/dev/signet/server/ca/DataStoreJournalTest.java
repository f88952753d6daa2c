package dev.signet.server.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.datastore.sql.SqlConfig;
import dev.signet.datastore.sql.SqlDataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Servers sharing one database keep one journal each; a restart finds its own; an old single journal is read. */
class DataStoreJournalTest {
  private final SqlDataStore store = SqlDataStore.open(SqlConfig.inMemory("journal-" + UUID.randomUUID()), null,
      Clock.systemUTC());

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void twoServersOnOneDatabaseKeepTheirOwnJournalsAcrossRestarts(@TempDir Path a, @TempDir Path b) {
    DataStoreJournal first = DataStoreJournal.forServer(store, a);
    DataStoreJournal second = DataStoreJournal.forServer(store, b);
    first.save(bytes("a's authorities"));
    second.save(bytes("b's authorities"));

    assertThat(first.name()).isNotEqualTo(second.name()).startsWith("ca/");
    assertThat(DataStoreJournal.forServer(store, a).load()).hasValueSatisfying(j -> assertThat(text(j)).isEqualTo("a's authorities"));
    assertThat(DataStoreJournal.forServer(store, b).load()).hasValueSatisfying(j -> assertThat(text(j)).isEqualTo("b's authorities"));
    assertThat(DataStoreJournal.forServer(store, a).name()).isEqualTo(first.name());
  }

  @Test
  void aServerWithoutItsOwnJournalReadsTheSingleJournalOfOlderVersionsAndSavesUnderItsOwnName(@TempDir Path dir) {
    store.setCaJournal(DataStoreJournal.LEGACY_NAME, bytes("legacy"));
    DataStoreJournal journal = DataStoreJournal.forServer(store, dir);

    assertThat(journal.load()).hasValueSatisfying(j -> assertThat(text(j)).isEqualTo("legacy"));
    journal.save(bytes("own"));

    assertThat(journal.load()).hasValueSatisfying(j -> assertThat(text(j)).isEqualTo("own"));
    assertThat(store.fetchCaJournal(DataStoreJournal.LEGACY_NAME)).hasValueSatisfying(j -> assertThat(text(j)).isEqualTo("legacy"));
  }

  @Test
  void aDamagedIdFileIsRefusedRatherThanReplaced(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(DataStoreJournal.ID_FILE), "not-an-id\n");

    assertThatThrownBy(() -> DataStoreJournal.forServer(store, dir)).hasMessageContaining("\"not-an-id\"");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
