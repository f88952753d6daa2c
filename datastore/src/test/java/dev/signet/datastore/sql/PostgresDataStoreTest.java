package dev.signet.datastore.sql;

import dev.signet.common.time.ManualClock;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.testing.DataStoreContractTest;
import dev.signet.datastore.testing.PostgresTestServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The datastore contract on a real PostgreSQL server started from the host's Debian binaries, one fresh
 * database per test. Fails (never skips) when PostgreSQL is not installed.
 */
class PostgresDataStoreTest extends DataStoreContractTest {
  @RegisterExtension static final PostgresTestServer.PerClass POSTGRES = PostgresTestServer.perClass();

  @Override
  protected DataStore openEmptyStore(ManualClock clock) throws Exception {
    return SqlDataStore.open(POSTGRES.freshDatabase().sqlConfig(20), null, clock);
  }
}
