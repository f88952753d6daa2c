package dev.signet.server.federation.acme;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Lets the bundle endpoint's web server negotiate {@code acme-tls/1}: the server picks an application protocol only
 * among those its connection selectors support, and the tls-alpn-01 validator offers no other. A connection that
 * negotiated it has served its purpose once the handshake (with the validation certificate from
 * {@link AcmeKeyManager}) is done, so it is closed without reading a byte; it is never chosen by sniffing.
 */
public final class TlsAlpnConnectionSelector implements ServerConnectionSelector {
  @Override
  public int bytesToIdentifyConnection() {
    return 0;
  }

  @Override
  public Support supports(BufferData data) {
    return Support.UNSUPPORTED;
  }

  @Override
  public Set<String> supportedApplicationProtocols() {
    return Set.of(AcmeKeyManager.ACME_TLS_1);
  }

  @Override
  public ServerConnection connection(ConnectionContext context) {
    return new ServerConnection() {
      @Override
      public void handle(Semaphore requestSemaphore) {
        // nothing to serve after the validation handshake: returning closes the connection
      }

      @Override
      public void handle(io.helidon.common.concurrency.limits.Limit limit) {
        // as above
      }

      @Override
      public Duration idleTime() {
        return Duration.ZERO;
      }

      @Override
      public void close(boolean interrupt) {
        // the connection handler closes the socket when handle returns
      }
    };
  }
}
