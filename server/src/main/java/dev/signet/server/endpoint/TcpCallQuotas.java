package dev.signet.server.endpoint;

import dev.signet.common.grpc.ConcurrentCallLimit;
import io.grpc.Metadata;
import io.grpc.ServerCall;

/**
 * Whom a call on the TCP endpoint counts against ({@link ConcurrentCallLimit}): a caller with an SVID
 * (an agent, an admin, a downstream server) by its SPIFFE ID, an anonymous caller (AttestAgent, GetBundle)
 * by its IP address. Runs after {@link CallerInterceptor}, which establishes the caller.
 *
 * <p>Security: with an SVID an agent proves who it is, so its budget is its own however many connections
 * or addresses it uses; a compromised agent can so pin at most {@link #CALLS_PER_SVID} ×
 * {@link Endpoints#MAX_TCP_INBOUND_MESSAGE_BYTES}. A Signet agent has its push stream, one sync and one
 * BatchNewX509SVID at a time, plus one NewJWTSVID per workload waiting for a new JWT-SVID, so the budget
 * is far above its need; excess calls are RESOURCE_EXHAUSTED, which the agent retries like any other
 * failure. Anonymous callers are counted per address with a smaller budget: an attestation is one short
 * stream, and many agents behind one NAT address are already paced by the attestation rate limit.
 */
final class TcpCallQuotas implements ConcurrentCallLimit.Quotas {
  /** Calls one SPIFFE ID may have in progress at once. */
  static final int CALLS_PER_SVID = 64;
  /** Calls one address without a client certificate may have in progress at once. */
  static final int ANONYMOUS_CALLS_PER_ADDRESS = 16;

  @Override
  public ConcurrentCallLimit.Quota of(ServerCall<?, ?> call, Metadata headers) {
    return switch (Caller.current()) {
      case Caller.X509 svid -> new ConcurrentCallLimit.Quota(svid.id().toString(), CALLS_PER_SVID);
      case Caller.Anonymous anonymous -> new ConcurrentCallLimit.Quota("anonymous caller at " + Caller.peerAddress(),
          ANONYMOUS_CALLS_PER_ADDRESS);
      case Caller.Local local -> null; // not on TCP; the admin socket's file permissions decide who connects
    };
  }
}
