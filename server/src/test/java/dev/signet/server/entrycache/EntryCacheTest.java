package dev.signet.server.entrycache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.datastore.sql.SqlDataStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
}
