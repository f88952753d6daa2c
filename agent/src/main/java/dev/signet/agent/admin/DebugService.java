package dev.signet.agent.admin;

import dev.signet.common.proto.SpiffeIdProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.SvidValidationException;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.proto.spire.agent.debug.v1.DebugGrpc;
import dev.signet.proto.spire.agent.debug.v1.GetInfoRequest;
import dev.signet.proto.spire.agent.debug.v1.GetInfoResponse;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code spire.agent.debug.v1.Debug/GetInfo}: the agent SVID chain (ID, expiry, subject per certificate),
 * uptime, the cached SVID counts and the time of the last successful sync, as SPIRE's agent reports them.
 * Served on the admin socket only.
 */
public final class DebugService extends DebugGrpc.DebugImplBase {
  private final AgentInfo info;
  private final Clock clock;

  public DebugService(AgentInfo info, Clock clock) {
    this.info = info;
    this.clock = clock;
  }

  @Override
  @SuppressWarnings("deprecation") // svids_count is deprecated in SPIRE's API but still filled for old clients
  public void getInfo(GetInfoRequest request, StreamObserver<GetInfoResponse> observer) {
    GetInfoResponse.Builder response = GetInfoResponse.newBuilder();
    for (X509Certificate certificate : info.agentSvidChain()) {
      GetInfoResponse.Cert.Builder cert = GetInfoResponse.Cert.newBuilder()
          .setExpiresAt(certificate.getNotAfter().toInstant().getEpochSecond())
          .setSubject(certificate.getSubjectX500Principal().getName());
      SpiffeId id = idOf(certificate);
      if (id != null) {
        cert.setId(SpiffeIdProtos.toProto(id));
      }
      response.addSvidChain(cert);
    }
    long uptime = Math.max(0, Duration.between(info.startedAt(), clock.instant()).toSeconds());
    int x509 = info.cachedX509Svids();
    response.setUptime((int) Math.min(Integer.MAX_VALUE, uptime))
        .setSvidsCount(x509)
        .setCachedX509SvidsCount(x509)
        .setCachedJwtSvidsCount(info.cachedJwtSvids())
        .setLastSyncSuccess(info.lastSyncSuccess().map(t -> t.getEpochSecond()).orElse(0L));
    observer.onNext(response.build());
    observer.onCompleted();
  }

  /** The certificate's SPIFFE ID; null for a certificate without exactly one SPIFFE URI SAN (as SPIRE). */
  private static SpiffeId idOf(X509Certificate certificate) {
    try {
      return X509SvidValidator.spiffeIdOf(certificate);
    } catch (SvidValidationException e) {
      return null;
    }
  }
}
