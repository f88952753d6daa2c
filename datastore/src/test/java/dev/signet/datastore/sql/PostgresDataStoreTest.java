package dev.signet.datastore.sql;

import dev.signet.common.time.ManualClock;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.testing.DataStoreContractTest;
import dev.signet.datastore.testing.PostgresTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The datastore contract on a real PostgreSQL server started from the host's Debian binaries, one fresh
 * database per test. Fails (never skips) when PostgreSQL is not installed.
 */
class PostgresDataStoreTest extends DataStoreContractTest {
  private static PostgresTestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresTestServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected DataStore openEmptyStore(ManualClock clock) throws Exception {
    return SqlDataStore.open(server.sqlConfig(server.createDatabase(), 20), null, clock);
  }
}
