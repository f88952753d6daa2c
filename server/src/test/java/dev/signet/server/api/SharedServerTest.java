package dev.signet.server.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the API tests whose methods share one running server ({@link ServerFixture}): started before the
 * first test, closed after the last. A subclass's own {@code @BeforeAll} runs after the server is up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedServerTest {
  /** The running server with its clients and helpers. */
  protected ServerFixture fixture;

  @BeforeAll
  void startServer() throws Exception {
    fixture = new ServerFixture();
  }

  @AfterAll
  void stopServer() {
    fixture.close();
  }
}
