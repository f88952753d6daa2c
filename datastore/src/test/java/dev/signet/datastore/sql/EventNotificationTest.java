package dev.signet.datastore.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.time.ManualClock;
import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.EventSubscription;
import dev.signet.datastore.EventTail;
import dev.signet.datastore.testing.PostgresTestServer;
import dev.signet.datastore.testing.TestEntries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Change events reach a second store's reader ({@link EventTail}) through PostgreSQL's {@code LISTEN/NOTIFY}
 * ({@link PostgresEventListener}, {@link V5__Notify_change_events}), with the reader's fallback poll set to an
 * hour so that only a notification (or the catch-up read after a reconnection) can deliver them within a test;
 * a killed listener connection reconnects and nothing is missed. On H2, which never notifies, the poll alone
 * reads the log as before. Arrival is awaited with a functional deadline far below the hour; no assertion is on
 * how long it took.
 */
class EventNotificationTest {
  @RegisterExtension static final PostgresTestServer.PerClass POSTGRES = PostgresTestServer.perClass();
  /** A fallback poll no test lives to see. */
  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration ARRIVAL = Duration.ofMinutes(1);

  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
    executor.shutdownNow();
    assertThat(executor.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
  }

  @Test
  void aWriteThroughOneStoreWakesTheReaderOfAnotherWithoutItsPoll() throws Exception {
    PostgresTestServer.Database database = POSTGRES.freshDatabase();
    DataStore writer = open(database);
    DataStore readerStore = open(database);
    Reader reader = new Reader(readerStore);
    EventTail tail = keep(EventTail.start(readerStore, executor, NEVER, reader));
    await("the listener's first read, once it listens", () -> reader.reads() >= 1);

    long id = create(writer);

    await("event " + id + " at the other store's reader", () -> reader.seen().contains(id));
    assertThat(reader.seen()).containsExactlyElementsOf(allEventIds(writer));

    tail.close();
    await("no listener connection left once the tail is closed", () -> listenerPids(database).isEmpty());
  }

  @Test
  void aKilledListenerConnectionReconnectsAndMissesNothing() throws Exception {
    PostgresTestServer.Database database = POSTGRES.freshDatabase();
    DataStore writer = open(database);
    DataStore readerStore = open(database);
    Reader reader = new Reader(readerStore);
    keep(EventTail.start(readerStore, executor, NEVER, reader));
    await("the listener's first read, once it listens", () -> reader.reads() >= 1);
    long first = create(writer);
    await("event " + first + " at the reader", () -> reader.seen().contains(first));
    List<Integer> killed = listenerPids(database);
    assertThat(killed).hasSize(1);

    try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT pg_terminate_backend(?)")) {
      s.setInt(1, killed.getFirst());
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next() && rs.getBoolean(1)).as("listener backend terminated").isTrue();
      }
    }
    long whileDown = create(writer); // committed while no one (or a dying backend) listens

    await("a new listener connection", () -> {
      List<Integer> pids = listenerPids(database);
      return pids.size() == 1 && !pids.equals(killed);
    });
    await("event " + whileDown + " at the reader", () -> reader.seen().contains(whileDown));
    long afterReconnect = create(writer);
    await("event " + afterReconnect + " at the reader", () -> reader.seen().contains(afterReconnect));
    assertThat(reader.seen()).as("every event, once, in order").containsExactlyElementsOf(allEventIds(writer));
  }

  @Test
  void anH2StoreNeverNotifiesAndItsReaderPollsAsBefore() throws Exception {
    SqlConfig config = new SqlConfig(DatabaseType.H2, H2Urls.memory("events-" + UUID.randomUUID()), 4, 1, null, false);
    DataStore store = keep(SqlDataStore.open(config, null, clock));
    assertThat(store.subscribeToEvents(() -> {
      throw new AssertionError("an embedded store woke a reader");
    })).isSameAs(EventSubscription.NONE);
    Reader reader = new Reader(store);
    keep(EventTail.start(store, executor, Duration.ofMillis(20), reader));

    long id = create(store);

    await("event " + id + " read by the poll", () -> reader.seen().contains(id));
  }

  private DataStore open(PostgresTestServer.Database database) {
    return keep(SqlDataStore.open(database.sqlConfig(4), null, clock));
  }

  private <T extends AutoCloseable> T keep(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  /** Creates an entry; returns the id of the event its transaction appended. */
  private static long create(DataStore store) {
    long before = store.latestEventId();
    store.createEntry(TestEntries.entry("/workload/" + UUID.randomUUID(), "/node/a", "unix:uid:1000"));
    return store.listEvents(before, 1).getFirst().id();
  }

  private static List<Long> allEventIds(DataStore store) {
    return store.listEvents(0, 10_000).stream().map(ChangeEvent::id).toList();
  }

  /** The backends of {@code database} that listen for change events. */
  private static List<Integer> listenerPids(PostgresTestServer.Database database) throws Exception {
    try (Connection c = database.connect(); PreparedStatement s = c.prepareStatement(
        "SELECT pid FROM pg_stat_activity WHERE datname = ? AND application_name = ?")) {
      s.setString(1, database.name());
      s.setString(2, PostgresEventListener.APPLICATION_NAME);
      List<Integer> pids = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
      }
      return pids;
    }
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  /** Checks {@code condition} until it holds or {@link #ARRIVAL} has passed. */
  private static void await(String what, Check condition) throws Exception {
    long deadline = System.nanoTime() + ARRIVAL.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + ARRIVAL + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** A tailing reader as the server's entry cache is one: it reads the events after the last one it saw. */
  private static final class Reader implements Runnable {
    private final DataStore store;
    private final List<Long> seen = new ArrayList<>();
    private int reads;

    Reader(DataStore store) {
      this.store = store;
    }

    @Override
    public void run() {
      long last;
      synchronized (this) {
        last = seen.isEmpty() ? 0 : seen.getLast();
      }
      List<ChangeEvent> events = store.listEvents(last, 10_000);
      synchronized (this) {
        events.forEach(e -> seen.add(e.id()));
        reads++;
      }
    }

    synchronized int reads() {
      return reads;
    }

    synchronized List<Long> seen() {
      return List.copyOf(seen);
    }
  }
}
