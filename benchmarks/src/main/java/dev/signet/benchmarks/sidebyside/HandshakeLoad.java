package dev.signet.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * Full TLS 1.3 handshakes on the server's agent endpoint as an agent makes them: the client presents its agent
 * SVID, offers ALPN {@code h2}, checks the server's SPIFFE ID, then closes; it forgets every session ticket, so
 * each connection is a full handshake on both servers. Handshakes per second and the server's CPU time per
 * handshake. The clients are the JDK's TLS in this JVM and share the cores with the server.
 */
final class HandshakeLoad {
  private HandshakeLoad() {}

  static Throughput.Rate perSecond(LoadAgent agent, int serverPort, long serverPid, int clients, int seconds) {
    List<IntSupplier> calls = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      SSLContext context = context(agent);
      calls.add(() -> handshake(context, serverPort));
    }
    return Throughput.measure(calls, seconds, serverPid);
  }

  private static SSLContext context(LoadAgent agent) {
    try {
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(new KeyManager[] {agent.svid()}, new TrustManager[] {agent.trust()}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the handshake client's TLS context", e);
    }
  }

  private static int handshake(SSLContext context, int port) {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setProtocols(new String[] {"TLSv1.3"});
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      if (!"h2".equals(socket.getApplicationProtocol())) {
        throw new IllegalStateException("the server did not select ALPN h2: " + socket.getApplicationProtocol());
      }
      socket.getSession().invalidate();
      return 1;
    } catch (IOException e) {
      throw new UncheckedIOException("handshake with 127.0.0.1:" + port + " failed: " + e.getMessage(), e);
    }
  }
}
