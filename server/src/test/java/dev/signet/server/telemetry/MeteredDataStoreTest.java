package dev.signet.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.telemetry.PrometheusMetrics;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.EventSubscription;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.datastore.sql.SqlDataStore;
import dev.signet.common.telemetry.Metrics;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every datastore call is SPIRE's {@code datastore_<table>_<op>} call counter, a failure under the API's code. */
class MeteredDataStoreTest {

  @Test
  void callsAreCountedByTableOperationAndStatus() {
    PrometheusMetrics metrics = new PrometheusMetrics("spire_server");
    try (DataStore store = MeteredDataStore.of(
        SqlDataStore.open(SqlConfig.inMemory("metered-" + UUID.randomUUID()), null, Clock.systemUTC()), metrics)) {
      assertThat(store.fetchEntry("missing")).isEmpty();
      assertThatThrownBy(() -> store.deleteEntry("missing")).isInstanceOf(DataStoreException.class);
      store.listAllEntries();

      assertThat(metrics.scrape())
          .contains("spire_server_datastore_registration_entry_fetch_total{status=\"OK\"} 1.0")
          .contains("spire_server_datastore_registration_entry_delete_total{status=\"NotFound\"} 1.0")
          .contains("spire_server_datastore_registration_entry_list_total{status=\"OK\"} 1.0")
          .contains("spire_server_datastore_registration_entry_list_elapsed_time_seconds_count{status=\"OK\"} 1")
          // declared: exported at 0 before the first call
          .contains("spire_server_datastore_event_list_total{status=\"OK\"} 0.0");
    }
  }

  /** A wrapper that kept the interface's default would silently turn a shared store's notifications off. */
  @Test
  void anEventSubscriptionIsTheDelegatesOwn() {
    EventSubscription own = () -> {};
    List<Runnable> wakes = new ArrayList<>();
    DataStore delegate = (DataStore) Proxy.newProxyInstance(DataStore.class.getClassLoader(),
        new Class<?>[] {DataStore.class}, (proxy, method, args) -> {
          if (!method.getName().equals("subscribeToEvents")) {
            throw new UnsupportedOperationException(method.getName());
          }
          wakes.add((Runnable) args[0]);
          return own;
        });
    Runnable wake = () -> {};

    assertThat(MeteredDataStore.of(delegate, new PrometheusMetrics("spire_server")).subscribeToEvents(wake))
        .isSameAs(own);
    assertThat(wakes).containsExactly(wake);
  }

  @Test
  void withoutMetricsTheStoreIsNotWrapped() {
    DataStore plain = SqlDataStore.open(SqlConfig.inMemory("plain-" + UUID.randomUUID()), null, Clock.systemUTC());
    try (plain) {
      assertThat(MeteredDataStore.of(plain, Metrics.NONE)).isSameAs(plain);
    }
  }
}
