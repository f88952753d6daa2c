package dev.signet.server.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.datastore.sql.SqlDataStore;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two servers' views of one database's bundles: concurrent additions all land, and each hears of the other's. */
class SharedTrustBundlesTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private final SqlDataStore store = SqlDataStore.open(SqlConfig.inMemory("bundles-" + UUID.randomUUID()), null,
      Clock.systemUTC());

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void authoritiesAddedAtOnceThroughTwoServersAllLandInTheSharedBundle() throws Exception {
    TrustBundles first = new TrustBundles(store, TD);
    TrustBundles second = new TrustBundles(store, TD);
    int each = 10;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Bundle>> added = IntStream.range(0, 2 * each).mapToObj(i -> pool.submit(() ->
          (i % 2 == 0 ? first : second).updateOwn(b -> b.withJwtAuthority(JwtAuthority.of("key-" + i, key()))))).toList();
      for (Future<Bundle> f : added) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    second.reload();
    assertThat(second.own().jwtAuthorities()).hasSize(2 * each);
    assertThat(second.own().sequenceNumber()).as("one sequence number per change").isEqualTo(2 * each - 1);
  }

  @Test
  void aServerHearsOfABundleChangedByAnotherOnlyWhenItDiffers() {
    TrustBundles first = new TrustBundles(store, TD);
    TrustBundles second = new TrustBundles(store, TD);
    List<Bundle> heard = new CopyOnWriteArrayList<>();
    second.addListener(heard::add);

    first.updateOwn(b -> b.withJwtAuthority(JwtAuthority.of("first-ca", key())));
    second.reloadChanged();
    second.reloadChanged();

    assertThat(heard).singleElement().satisfies(b -> assertThat(b.findJwtAuthority("first-ca")).isPresent());
    assertThat(second.own().findJwtAuthority("first-ca")).isPresent();
  }

  private static PublicKey key() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      return generator.generateKeyPair().getPublic();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
