package dev.signet.gateway.x509;

import dev.signet.common.workload.X509Context;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.server.endpoint.PeerSvidTrustManager;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the gateway's TLS contexts from one {@link X509Context}, with the JDK's TLS provider (no crypto of
 * our own). Both sides speak TLS 1.3 only.
 *
 * <p><b>No session resumption.</b> A resumed TLS 1.3 session skips certificate verification, so a ticket
 * issued to a peer would outlive a rotation of its trust bundle, a revoked CA or a banned agent. The JDK
 * issues no session ticket (and a client keeps none) when the session timeout exceeds the 7-day maximum
 * ticket lifetime of RFC 8446 §4.6.1, so the contexts are given {@link #NO_TICKETS} as timeout: every
 * connection makes a full handshake. {@code InboundTcpTest} shows that a second connection with the same
 * client context is verified again.
 */
public final class TlsContexts {
  static final String TLS_13 = "TLSv1.3";
  /** One second more than the longest ticket lifetime RFC 8446 allows: the JDK then sends and keeps no tickets. */
  static final long NO_TICKETS = 604_800 + 1;

  private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);
  /** Netty's switches for BoringSSL's session tickets and session caches, read once when its OpenSSL classes load. */
  static final Map<String, String> NO_RESUMPTION = Map.of(
      "jdk.tls.server.enableSessionTicketExtension", "false",
      "jdk.tls.client.enableSessionTicketExtension", "false",
      "io.netty.handler.ssl.openssl.sessionCacheServer", "false",
      "io.netty.handler.ssl.openssl.sessionCacheClient", "false");

  static {
    disableResumption();
  }

  private TlsContexts() {}

  /**
   * Turns BoringSSL's resumption off for this JVM; {@code GatewayMain} calls it before anything loads Netty's
   * OpenSSL classes. Should they have loaded earlier, {@link #provider} notices and the JDK provider is used.
   */
  public static void disableResumption() {
    NO_RESUMPTION.forEach(System::setProperty);
  }

  /**
   * BoringSSL through netty-tcnative when its native library loads here and resumption is off in it, else the
   * JDK's TLS (correct, slower: about 0.65 of the handshakes per CPU-second, RESULTS.md).
   */
  public static SslProvider provider() {
    return OpenSsl.isAvailable() && !OpenSslSessions.RESUMPTION_ON ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /** Whether Netty's OpenSSL classes loaded before {@link #disableResumption}, checked once. */
  private static final class OpenSslSessions {
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
          LOG.warn("BoringSSL was loaded before session resumption could be turned off; the gateway handshakes "
              + "with the JDK's TLS instead");
        }
        return on;
      } catch (SSLException e) {
        LOG.warn("BoringSSL cannot make a TLS context ({}); the gateway handshakes with the JDK's TLS", e.getMessage());
        return true;
      }
    }
  }

  /**
   * The server side of an inbound route: presents our SVID, requires a client certificate and accepts it
   * only as an X509-SVID chaining to the bundle of its own trust domain (ours, or a federated one listed in
   * {@code federated}), within its validity, with exactly one URI SAN.
   */
  public static SslContext server(X509Context context, Set<TrustDomain> federated, Clock clock) throws SSLException {
    return SslContextBuilder.forServer(new SvidKeyManager(context.svid()))
        .trustManager(new PeerSvidTrustManager(context.trusted(federated), clock))
        .clientAuth(ClientAuth.REQUIRE)
        .sslProvider(provider())
        .protocols(TLS_13)
        .sessionTimeout(NO_TICKETS)
        .build();
  }

  /**
   * The client side of an outbound route: presents our SVID and accepts the server only when its
   * X509-SVID is exactly {@code expected} and chains to the bundle of {@code expected}'s trust domain.
   * Host names are not checked: the SPIFFE ID is the server's identity.
   */
  public static SslContext client(X509Context context, SpiffeId expected, Clock clock) throws SSLException {
    var trust = new SpiffeServerTrustManager(expected, () -> context.bundle(expected.trustDomain()), false, clock);
    return SslContextBuilder.forClient()
        .keyManager(new SvidKeyManager(context.svid()))
        .trustManager(trust)
        .endpointIdentificationAlgorithm(null)
        .sslProvider(provider())
        .protocols(TLS_13)
        .sessionTimeout(NO_TICKETS)
        .build();
  }
}
