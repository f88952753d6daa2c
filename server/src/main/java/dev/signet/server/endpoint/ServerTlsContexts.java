package dev.signet.server.endpoint;

import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/** The server's HTTPS listeners (access API, bundle endpoint): TLS contexts presenting a rotating key manager. */
public final class ServerTlsContexts {
  private ServerTlsContexts() {}

  /** Presents {@code keys}; verifies client certificates with {@code clientVerifier} (null: asks for none). */
  public static SSLContext of(X509KeyManager keys, X509TrustManager clientVerifier) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keys}, clientVerifier == null ? null : new TrustManager[] {clientVerifier},
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a TLS context of the server cannot be built", e);
    }
  }
}
