package dev.signet.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.telemetry.PrometheusMetrics;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.datastore.sql.SqlDataStore;
import dev.signet.common.telemetry.Metrics;
import java.time.Clock;
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

  @Test
  void withoutMetricsTheStoreIsNotWrapped() {
    DataStore plain = SqlDataStore.open(SqlConfig.inMemory("plain-" + UUID.randomUUID()), null, Clock.systemUTC());
    try (plain) {
      assertThat(MeteredDataStore.of(plain, Metrics.NONE)).isSameAs(plain);
    }
  }
}
