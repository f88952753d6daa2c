package dev.signet.server.entrycache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.time.ManualClock;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.JoinToken;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.datastore.sql.SqlDataStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Refreshes that share rebuilds still see every write made before they were asked for. */
class EntryCacheTest {
  private static final SpiffeId SERVER = SpiffeId.parse("spiffe://example.org/spire/server");

  @Test
  void everyRefreshReturnsWithAnIndexThatHoldsTheCallersWrite() throws Exception {
    try (SqlDataStore store = SqlDataStore.open(SqlConfig.inMemory("cache-" + UUID.randomUUID()), null,
        Clock.systemUTC())) {
      EntryCache cache = new EntryCache(store, SERVER);
      AtomicInteger rebuilds = new AtomicInteger();
      cache.addListener(rebuilds::incrementAndGet);
      int writers = 8;
      int each = 40;
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<Integer>> missing = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          int writer = w;
          missing.add(pool.submit(() -> {
            int notSeen = 0;
            for (int i = 0; i < each; i++) {
              RegistrationEntry created = store.createEntry(new RegistrationEntry("",
                  SpiffeId.parse("spiffe://example.org/w" + writer + "/" + i),
                  SpiffeId.parse("spiffe://example.org/node"), List.of(Selector.parse("unix:uid:" + i)), 0, 0,
                  List.of(), false, false, 0, List.of(), 0, false, "", 0));
              cache.refresh();
              if (cache.index().entry(created.entryId()) == null) {
                notSeen++;
              }
            }
            return notSeen;
          }));
        }
        for (Future<Integer> f : missing) {
          assertThat(f.get()).as("writes missing from the index right after refresh()").isZero();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(cache.index().size()).isEqualTo(writers * each);
      assertThat(rebuilds.get()).isBetween(1, writers * each);
    }
  }

  @Test
  void theEventTailRebuildsForAnotherServersEntryButNotForItsAuditAnchorOrTokens() {
    try (SqlDataStore store = SqlDataStore.open(SqlConfig.inMemory("cache-" + UUID.randomUUID()), null,
        Clock.systemUTC())) {
      EntryCache cache = new EntryCache(store, SERVER);
      AtomicInteger rebuilds = new AtomicInteger();
      cache.addListener(rebuilds::incrementAndGet);

      for (int i = 0; i < 600; i++) { // more than one page of events
        store.setCaJournal("audit-head/k", new byte[] {(byte) i});
      }
      store.createJoinToken(new JoinToken("t", Instant.now().plusSeconds(60)));
      assertThat(cache.pollEvents()).isFalse();
      assertThat(cache.pollEvents()).isFalse();
      assertThat(rebuilds).hasValue(0);

      RegistrationEntry created = store.createEntry(new RegistrationEntry("", SpiffeId.parse("spiffe://example.org/w"),
          SpiffeId.parse("spiffe://example.org/node"), List.of(Selector.parse("unix:uid:1")), 0, 0, List.of(), false,
          false, 0, List.of(), 0, false, "", 0));
      store.setCaJournal("audit-head/k", new byte[] {1});
      assertThat(cache.pollEvents()).isTrue();
      assertThat(rebuilds).hasValue(1);
      assertThat(cache.index().entry(created.entryId())).isNotNull();
      assertThat(cache.pollEvents()).isFalse();
      assertThat(rebuilds).hasValue(1);
    }
  }

  @Test
  void aRefreshReadsOnlyTheChangedEntriesUnlessTheLogWasPrunedPastIt() {
    ManualClock clock = new ManualClock(Instant.parse("2026-03-01T12:00:00Z"));
    try (SqlDataStore sql = SqlDataStore.open(SqlConfig.inMemory("cache-" + UUID.randomUUID()), null, clock)) {
      AtomicInteger fullReads = new AtomicInteger();
      DataStore store = countingFullReads(sql, fullReads);
      RegistrationEntry kept = sql.createEntry(entry("/kept", "uid:1"));
      RegistrationEntry gone = sql.createEntry(entry("/gone", "uid:2"));
      EntryCache cache = new EntryCache(store, SERVER);
      assertThat(fullReads).hasValue(1);

      RegistrationEntry updated = sql.updateEntry(entry("/kept", "uid:1", "changed").withEntryId(kept.entryId()),
          Set.of("hint"));
      sql.deleteEntry(gone.entryId());
      RegistrationEntry added = sql.createEntry(entry("/added", "uid:3"));
      cache.refresh();

      assertThat(fullReads).as("changes read one by one").hasValue(1);
      assertThat(cache.index().entries()).containsExactlyInAnyOrder(updated, added);
      assertThat(cache.index().entry(kept.entryId()).hint()).isEqualTo("changed");

      clock.advance(Duration.ofMinutes(10));
      RegistrationEntry later = sql.createEntry(entry("/later", "uid:4"));
      sql.pruneEvents(clock.instant().minusSeconds(1)); // the events the cache has read; the one of /later stays
      cache.refresh();
      assertThat(fullReads).as("the event of /later is the next after the cache's last").hasValue(1);
      assertThat(cache.index().entries()).containsExactlyInAnyOrder(updated, added, later);

      clock.advance(Duration.ofMinutes(10));
      RegistrationEntry missed = sql.createEntry(entry("/missed", "uid:5"));
      clock.advance(Duration.ofMinutes(10));
      RegistrationEntry next = sql.createEntry(entry("/next", "uid:6"));
      sql.pruneEvents(clock.instant().minusSeconds(1)); // the event of /missed, which the cache has not read
      cache.refresh();
      assertThat(fullReads).as("a gap in the log").hasValue(2);
      assertThat(cache.index().entries()).containsExactlyInAnyOrder(updated, added, later, missed, next);

      clock.advance(Duration.ofMinutes(10));
      RegistrationEntry last = sql.createEntry(entry("/last", "uid:7"));
      sql.pruneEvents(clock.instant().plusSeconds(1)); // every event
      cache.refresh();
      assertThat(fullReads).as("an empty log").hasValue(3);
      assertThat(cache.index().entries()).containsExactlyInAnyOrder(updated, added, later, missed, next, last);
    }
  }

  private static RegistrationEntry entry(String path, String uid) {
    return entry(path, uid, "");
  }

  private static RegistrationEntry entry(String path, String uid, String hint) {
    return new RegistrationEntry("", SpiffeId.parse("spiffe://example.org" + path),
        SpiffeId.parse("spiffe://example.org/node"), List.of(Selector.parse("unix:" + uid)), 0, 0, List.of(), false,
        false, 0, List.of(), 0, false, hint, 0);
  }

  /** {@code store}, counting its calls of {@link DataStore#listAllEntries}. */
  private static DataStore countingFullReads(DataStore store, AtomicInteger calls) {
    return (DataStore) Proxy.newProxyInstance(DataStore.class.getClassLoader(), new Class<?>[] {DataStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("listAllEntries")) {
            calls.incrementAndGet();
          }
          try {
            return method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
