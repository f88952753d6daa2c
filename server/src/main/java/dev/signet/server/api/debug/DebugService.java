package dev.signet.server.api.debug;

import dev.signet.common.proto.SpiffeIdProtos;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.NodeFilter;
import dev.signet.proto.spire.api.server.debug.v1.DebugGrpc;
import dev.signet.proto.spire.api.server.debug.v1.GetInfoRequest;
import dev.signet.proto.spire.api.server.debug.v1.GetInfoResponse;
import dev.signet.server.api.Unary;
import dev.signet.server.bundle.TrustBundles;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** SPIRE's server Debug API: the server SVID chain, uptime and object counts (admin socket only). */
public final class DebugService extends DebugGrpc.DebugImplBase {
  private final SvidKeyManager serverSvid;
  private final DataStore dataStore;
  private final TrustBundles bundles;
  private final Clock clock;
  private final Instant started;

  public DebugService(SvidKeyManager serverSvid, DataStore dataStore, TrustBundles bundles, Clock clock) {
    this.serverSvid = serverSvid;
    this.dataStore = dataStore;
    this.bundles = bundles;
    this.clock = clock;
    this.started = clock.instant();
  }

  @Override
  public void getInfo(GetInfoRequest request, StreamObserver<GetInfoResponse> out) {
    GetInfoResponse.Builder response = GetInfoResponse.newBuilder()
        .setUptime((int) Duration.between(started, clock.instant()).toSeconds())
        .setAgentsCount((int) dataStore.countAttestedNodes(NodeFilter.ALL))
        .setEntriesCount((int) dataStore.countEntries(EntryFilter.ALL))
        .setFederatedBundlesCount(bundles.federated().size());
    for (X509Certificate cert : serverSvid.current().chain()) {
      GetInfoResponse.Cert.Builder entry = GetInfoResponse.Cert.newBuilder()
          .setExpiresAt(cert.getNotAfter().toInstant().getEpochSecond())
          .setSubject(cert.getSubjectX500Principal().getName());
      try {
        entry.setId(SpiffeIdProtos.toProto(X509SvidValidator.spiffeIdOf(cert)));
      } catch (IllegalArgumentException e) {
        // a CA certificate with a trust-domain ID or none: the subject alone describes it
      }
      response.addSvidChain(entry);
    }
    Unary.reply(out, response.build());
  }
}
