package dev.signet.gateway.x509;

import dev.signet.common.workload.X509Context;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.server.endpoint.PeerSvidTrustManager;
import dev.signet.server.endpoint.TlsProviders;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;
import java.time.Clock;
import java.util.Set;

/**
 * Builds the gateway's TLS contexts from one {@link X509Context}, on BoringSSL or the JDK's TLS ({@link
 * TlsProviders}: no crypto of our own). Both sides speak TLS 1.3 only.
 *
 * <p><b>No session resumption</b> ({@link TlsProviders}). Besides, the JDK issues no session ticket (and a client
 * keeps none) when the session timeout exceeds the 7-day maximum ticket lifetime of RFC 8446 §4.6.1, so the
 * contexts are given {@link #NO_TICKETS} as timeout: every connection makes a full handshake. {@code
 * InboundTcpTest} shows that a second connection with the same client context is verified again.
 */
public final class TlsContexts {
  static final String TLS_13 = "TLSv1.3";
  /** One second more than the longest ticket lifetime RFC 8446 allows: the JDK then sends and keeps no tickets. */
  static final long NO_TICKETS = 604_800 + 1;

  private TlsContexts() {}

  /**
   * The server side of an inbound route: presents our SVID, requires a client certificate and accepts it
   * only as an X509-SVID chaining to the bundle of its own trust domain (ours, or a federated one listed in
   * {@code federated}), within its validity, with exactly one URI SAN.
   */
  public static SslContext server(X509Context context, Set<TrustDomain> federated, Clock clock) throws SSLException {
    return SslContextBuilder.forServer(new SvidKeyManager(context.svid()))
        .trustManager(new PeerSvidTrustManager(context.trusted(federated), clock))
        .clientAuth(ClientAuth.REQUIRE)
        .sslProvider(TlsProviders.provider())
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
        .sslProvider(TlsProviders.provider())
        .protocols(TLS_13)
        .sessionTimeout(NO_TICKETS)
        .build();
  }
}
