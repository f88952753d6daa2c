package dev.signet.server.endpoint;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation Netty handshakes with: BoringSSL through netty-tcnative when its native library loads
 * here, else the JDK's TLS on the chosen JCA provider. Both are vetted implementations; BoringSSL makes about
 * 1.6 times the handshakes per CPU-second (benchmarks/RESULTS.md).
 *
 * <p><b>No session resumption.</b> A resumed TLS 1.3 session skips certificate verification, so a ticket issued
 * to a peer would outlive a rotation of its trust bundle, a revoked CA or a banned agent. {@link
 * #disableResumption} turns tickets and session caches off in both implementations for this JVM; it must run
 * before anything loads Netty's OpenSSL classes (the daemons' {@code main} methods call it first). Should they
 * have loaded earlier with resumption on, {@link #provider} notices once and answers the JDK.
 */
public final class TlsProviders {
  /** Netty's and the JDK's switches for session tickets and session caches. */
  static final Map<String, String> NO_RESUMPTION = Map.of(
      "jdk.tls.server.enableSessionTicketExtension", "false",
      "jdk.tls.client.enableSessionTicketExtension", "false",
      "io.netty.handler.ssl.openssl.sessionCacheServer", "false",
      "io.netty.handler.ssl.openssl.sessionCacheClient", "false");

  static {
    disableResumption();
  }

  private TlsProviders() {}

  /** Turns session tickets and caches off for this JVM (see the class comment). */
  public static void disableResumption() {
    NO_RESUMPTION.forEach(System::setProperty);
  }

  /** BoringSSL when its native library loads and resumption is off in it, else the JDK's TLS. */
  public static SslProvider provider() {
    return OpenSsl.isAvailable() && !OpenSslSessions.RESUMPTION_ON ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /** Whether Netty's OpenSSL classes loaded before {@link #disableResumption}, checked once. */
  private static final class OpenSslSessions {
    // here, not in TlsProviders: disableResumption, the first call of every process, does not start the logging
    private static final Logger LOG = LoggerFactory.getLogger(TlsProviders.class);
    static final boolean RESUMPTION_ON = resumptionOn();

    private static boolean resumptionOn() {
      if (!OpenSsl.isAvailable()) {
        return false;
      }
      try {
        SslContext probe = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).build();
        boolean on = probe.sessionContext() instanceof OpenSslSessionContext sessions && sessions.isSessionCacheEnabled();
        ReferenceCountUtil.release(probe);
        if (on) {
          LOG.warn("BoringSSL was loaded before session resumption could be turned off; TLS handshakes use the "
              + "JDK's implementation instead");
        }
        return on;
      } catch (SSLException e) {
        LOG.warn("BoringSSL cannot make a TLS context ({}); TLS handshakes use the JDK's implementation",
            e.getMessage());
        return true;
      }
    }
  }
}
