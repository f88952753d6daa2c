package dev.signet.datastore.sql;

import static dev.signet.datastore.testing.TestEntries.entry;

import dev.signet.datastore.RegistrationEntry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The victim of {@link CrashDurabilityTest}: opens the default embedded store under {@code args[0]}, prints
 * what it finds ({@code E <id> <ttl>} lines, then {@code S}), and then lets three writers create entries
 * and update their X509-SVID TTLs while a reader lists them all, until it is killed. A writer prints
 * {@code B <id> <ttl>} before an update and {@code A <id> <ttl>} once a create or an update returned
 * (acknowledged). Each writer updates only its own entries.
 */
public final class CrashWriter {
  private static final PrintStream OUT = System.out;

  private CrashWriter() {}

  public static void main(String[] args) {
    SqlDataStore store = SqlDataStore.open(SqlConfig.defaults(), Path.of(args[0]), Clock.systemUTC());
    for (RegistrationEntry e : store.listAllEntries()) {
      OUT.println("E " + e.entryId() + " " + e.x509SvidTtl());
    }
    line("S");
    for (int w = 0; w < 3; w++) {
      int writer = w;
      Thread.ofPlatform().start(() -> write(store, writer));
    }
    Thread.ofPlatform().daemon().start(() -> {
      while (true) {
        store.listAllEntries();
      }
    });
    // the writers are not daemon threads: the process runs until it is killed
  }

  private static void write(SqlDataStore store, int writer) {
    Random random = new Random();
    String prefix = "/w" + writer + "/";
    List<String> mine = new ArrayList<>(store.listAllEntries().stream()
        .filter(e -> e.spiffeId().path().startsWith(prefix)).map(RegistrationEntry::entryId).toList());
    while (true) {
      if (mine.isEmpty() || random.nextInt(10) < 4) {
        RegistrationEntry created = store.createEntry(entry(prefix + random.nextLong(), "/node", "unix:uid:" + writer));
        mine.add(created.entryId());
        line("A " + created.entryId() + " 0");
      } else {
        String id = mine.get(random.nextInt(mine.size()));
        int ttl = 600 + random.nextInt(100_000);
        line("B " + id + " " + ttl);
        RegistrationEntry current = store.fetchEntry(id).orElseThrow();
        store.updateEntry(new RegistrationEntry(id, current.spiffeId(), current.parentId(), current.selectors(), ttl,
            0, List.of(), false, false, 0, List.of(), 0, false, "", 0), Set.of("x509_svid_ttl"));
        line("A " + id + " " + ttl);
      }
    }
  }

  private static void line(String text) {
    synchronized (OUT) {
      OUT.println(text);
      OUT.flush();
    }
  }
}
