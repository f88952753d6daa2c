package dev.signet.server.endpoint;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Establishes the {@link Caller} of each call from the transport. The TLS layer has already verified
 * the client chain (see {@link PeerSvidTrustManager}); here we only read the verified ID from it.
 */
public final class CallerInterceptor implements ServerInterceptor {
  private final boolean local;

  private CallerInterceptor(boolean local) {
    this.local = local;
  }

  /** For the admin Unix socket: every caller is local. */
  public static CallerInterceptor forAdminSocket() {
    return new CallerInterceptor(true);
  }

  /** For the TCP endpoint: callers are anonymous or identified by their client SVID. */
  public static CallerInterceptor forTcp() {
    return new CallerInterceptor(false);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Caller caller = local ? new Caller.Local(call.getAttributes().get(PeerCredentials.TRANSPORT_ATTR))
        : fromTls(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    String address = local ? "local" : ipOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    Context context = Context.current().withValues(Caller.CONTEXT_KEY, caller, Caller.PEER_ADDRESS, address);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private static String ipOf(SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
  }

  private static Caller fromTls(SSLSession session) {
    if (session == null) {
      return Caller.Anonymous.INSTANCE;
    }
    Certificate[] presented;
    try {
      presented = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Caller.Anonymous.INSTANCE;
    }
    List<X509Certificate> chain = Arrays.stream(presented).map(X509Certificate.class::cast).toList();
    SpiffeId id = PeerSvidTrustManager.spiffeIdOf(chain.get(0));
    return new Caller.X509(id, chain);
  }
}
