package dev.signet.datastore.sql;

import static dev.signet.datastore.testing.TestEntries.entry;

import dev.signet.datastore.RegistrationEntry;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The victim of {@link CrashDurabilityTest}: opens the default embedded store under {@code args[0]} and
 * creates entries one by one, printing each entry's path after its create returned (acknowledged), until
 * it is killed.
 */
public final class CrashWriter {
  private CrashWriter() {}

  public static void main(String[] args) {
    try (SqlDataStore store = SqlDataStore.open(SqlConfig.defaults(), Path.of(args[0]), Clock.systemUTC())) {
      System.out.println("open");  // logging may print to stdout too: the test reads only these lines
      System.out.flush();
      for (int i = 1; ; i++) {
        RegistrationEntry created = store.createEntry(entry("/w/" + i, "/node", "unix:uid:" + i));
        System.out.println("ack " + created.spiffeId().path());
        System.out.flush();
      }
    }
  }
}
