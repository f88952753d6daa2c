package dev.signet.server.ca;

import dev.signet.ca.manager.JournalStore;
import dev.signet.datastore.DataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import dev.signet.common.files.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Keeps the CA journal in the datastore, so a restarted server resumes with the same authorities.
 *
 * <p>Servers sharing one database (high availability, as SPIRE's HA) each run their own CA with keys only
 * their own key manager holds, so each keeps its own journal: under {@code ca/<instance id>}, the id kept in
 * {@value #ID_FILE} in the server's data dir. The shared trust bundle, not the journals, is what makes the
 * servers trust one another's authorities. A journal saved by an older Signet under the single name
 * {@value #LEGACY_NAME} is read when the server's own is absent; the CA manager keeps only the entries whose
 * keys this server's key manager holds, so another server's authorities are never taken over.
 */
public final class DataStoreJournal implements JournalStore {
  /** The data-dir file holding this server's journal id. */
  public static final String ID_FILE = "ca_journal_id";
  static final String LEGACY_NAME = "ca";
  private static final Pattern ID = Pattern.compile("[0-9a-f-]{36}");
  private final DataStore dataStore;
  private final String name;

  DataStoreJournal(DataStore dataStore, String name) {
    this.dataStore = dataStore;
    this.name = name;
  }

  /** The journal of the server whose data dir is {@code dataDir}; makes its id on the first start. */
  public static DataStoreJournal forServer(DataStore dataStore, Path dataDir) {
    return new DataStoreJournal(dataStore, "ca/" + instanceId(dataDir.resolve(ID_FILE)));
  }

  /** The datastore name this journal is saved under. */
  public String name() {
    return name;
  }

  @Override
  public Optional<byte[]> load() {
    Optional<byte[]> own = dataStore.fetchCaJournal(name);
    return own.isPresent() ? own : dataStore.fetchCaJournal(LEGACY_NAME);
  }

  @Override
  public void save(byte[] journal) {
    dataStore.setCaJournal(name, journal);
  }

  private static String instanceId(Path file) {
    try {
      if (!Files.exists(file)) {
        // owner-only like everything in the data dir, and whole or absent after a crash
        AtomicFiles.write(file, (UUID.randomUUID() + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (!ID.matcher(id).matches()) {
        throw new IllegalStateException("ca journal id file " + file + " holds \"" + id + "\", not a uuid");
      }
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the ca journal id file " + file, e);
    }
  }
}
