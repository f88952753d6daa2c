package dev.signet.agent.admin;

import dev.signet.agent.workload.WorkloadRequestLimits;
import com.google.protobuf.ByteString;
import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.CallerAttestor;
import dev.signet.agent.workload.CallerFailureLog;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.JwtSvidSource.JwtSvidUnavailableException;
import dev.signet.agent.workload.SnapshotStream;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.agent.workload.WorkloadView;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.proto.SpiffeIdProtos;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.JwtSvid;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.DelegatedIdentityGrpc;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.FetchJWTSVIDsRequest;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.FetchJWTSVIDsResponse;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToJWTBundlesRequest;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToJWTBundlesResponse;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToX509BundlesRequest;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToX509BundlesResponse;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToX509SVIDsRequest;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToX509SVIDsResponse;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.X509SVIDWithKey;
import dev.signet.proto.spire.api.types.JWTSVID;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code spire.api.agent.delegatedidentity.v1.DelegatedIdentity} on the admin socket: lets a trusted local
 * process (a node-wide proxy, a CNI) obtain the SVIDs of other workloads, named by selectors or by pid.
 *
 * <p>Security: the caller is attested exactly as a Workload API caller is (SO_PEERCRED, the workload
 * attestors, the pid-reuse guard) and must hold, in the current snapshot, an identity whose SPIFFE ID is
 * listed in {@code authorized_delegates}; anyone else gets PERMISSION_DENIED. The check is repeated on
 * every snapshot a stream delivers, so removing the delegate's entry (or the agent losing it) ends its
 * open streams with PERMISSION_DENIED instead of letting them receive later SVIDs. Nothing the caller
 * sends can widen what it is: the selectors it names choose the target, never the caller.
 *
 * <p>Every call that fails leaves one log line with the caller's pid/uid/gid ({@link CallerFailureLog}).
 */
public final class DelegatedIdentityService extends DelegatedIdentityGrpc.DelegatedIdentityImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(DelegatedIdentityService.class);
  private final WorkloadIdentityCache cache;
  private final CallerAttestor attestor;
  private final JwtSvidCache jwtSvids;
  private final Set<SpiffeId> delegates;

  public DelegatedIdentityService(WorkloadIdentityCache cache, CallerAttestor attestor, JwtSvidCache jwtSvids,
      List<SpiffeId> authorizedDelegates) {
    this.cache = cache;
    this.attestor = attestor;
    this.jwtSvids = jwtSvids;
    this.delegates = Set.copyOf(authorizedDelegates);
  }

  @Override
  public void subscribeToX509SVIDs(SubscribeToX509SVIDsRequest request,
      StreamObserver<SubscribeToX509SVIDsResponse> observer) {
    PeerCredentials credentials = PeerCredentials.current();
    Set<Selector> caller = null;
    Set<Selector> target;
    try {
      caller = attestor.attest(credentials);
      authorize(cache.current(), caller);
      target = target(request.getSelectorsList(), request.getPid());
    } catch (StatusException e) {
      observer.onError(logged(e, "SubscribeToX509SVIDs", credentials, caller));
      return;
    }
    Set<Selector> attested = caller;
    SnapshotStream.start(cache, (ServerCallStreamObserver<SubscribeToX509SVIDsResponse>) observer, snapshot -> {
      try {
        authorize(snapshot, attested);
      } catch (StatusException e) {
        throw logged(e, "SubscribeToX509SVIDs", credentials, attested); // the stream ends here: one line
      }
      return x509Svids(snapshot.viewFor(target));
    });
  }

  @Override
  public void subscribeToX509Bundles(SubscribeToX509BundlesRequest request,
      StreamObserver<SubscribeToX509BundlesResponse> observer) {
    bundleStream("SubscribeToX509Bundles", observer, snapshot -> {
      SubscribeToX509BundlesResponse.Builder response = SubscribeToX509BundlesResponse.newBuilder();
      for (Bundle bundle : allBundles(snapshot)) {
        response.putCaCertificates(bundle.trustDomain().idString(),
            ByteString.copyFrom(DerCodec.concat(bundle.x509Certificates())));
      }
      return response.build();
    });
  }

  @Override
  public void subscribeToJWTBundles(SubscribeToJWTBundlesRequest request,
      StreamObserver<SubscribeToJWTBundlesResponse> observer) {
    bundleStream("SubscribeToJWTBundles", observer, snapshot -> {
      SubscribeToJWTBundlesResponse.Builder response = SubscribeToJWTBundlesResponse.newBuilder();
      for (Bundle bundle : allBundles(snapshot)) {
        Bundle jwtOnly = new Bundle(bundle.trustDomain(), List.of(), bundle.jwtAuthorities(), bundle.sequenceNumber(),
            bundle.refreshHint());
        response.putBundles(bundle.trustDomain().idString(),
            ByteString.copyFrom(JwksCodec.encode(jwtOnly), StandardCharsets.UTF_8));
      }
      return response.build();
    });
  }

  @Override
  public void fetchJWTSVIDs(FetchJWTSVIDsRequest request, StreamObserver<FetchJWTSVIDsResponse> observer) {
    PeerCredentials credentials = PeerCredentials.current();
    Set<Selector> caller = null;
    try {
      WorkloadRequestLimits.checkAudiences(request.getAudienceList());
      IdentitySnapshot snapshot = cache.current();
      caller = attestor.attest(credentials);
      authorize(snapshot, caller);
      WorkloadView view = snapshot.viewFor(target(request.getSelectorsList(), request.getPid()));
      FetchJWTSVIDsResponse.Builder response = FetchJWTSVIDsResponse.newBuilder();
      for (CachedIdentity identity : view.identities()) {
        JwtSvid svid;
        try {
          svid = jwtSvids.fetch(identity.entryId(), identity.spiffeId(), request.getAudienceList());
        } catch (JwtSvidUnavailableException e) {
          throw Status.UNAVAILABLE.withDescription("could not fetch jwt-svid for \"" + identity.spiffeId() + "\": "
              + e.getMessage()).withCause(e).asException();
        }
        response.addSvids(JWTSVID.newBuilder()
            .setToken(svid.token().reveal())
            .setId(SpiffeIdProtos.toProto(svid.id()))
            .setExpiresAt(svid.expiresAt().getEpochSecond())
            .setIssuedAt(svid.issuedAt() == null ? 0 : svid.issuedAt().getEpochSecond())
            .setHint(identity.hint()));
      }
      observer.onNext(response.build());
      observer.onCompleted();
    } catch (StatusException e) {
      observer.onError(logged(e, "FetchJWTSVIDs", credentials, caller));
    }
  }

  private <R> void bundleStream(String method, StreamObserver<R> observer, SnapshotStream.Composer<R> composer) {
    PeerCredentials credentials = PeerCredentials.current();
    Set<Selector> caller = null;
    try {
      caller = attestor.attest(credentials);
      authorize(cache.current(), caller);
    } catch (StatusException e) {
      observer.onError(logged(e, method, credentials, caller));
      return;
    }
    Set<Selector> attested = caller;
    SnapshotStream.start(cache, (ServerCallStreamObserver<R>) observer, snapshot -> {
      try {
        authorize(snapshot, attested);
      } catch (StatusException e) {
        throw logged(e, method, credentials, attested); // the stream ends here: one line
      }
      return composer.compose(snapshot);
    });
  }

  private static StatusException logged(StatusException e, String method, PeerCredentials caller,
      Set<Selector> selectors) {
    return CallerFailureLog.logged(LOG, e, method, caller, selectors);
  }

  /** Requires that a caller with {@code selectors} holds an authorized delegate identity in {@code snapshot}. */
  private void authorize(IdentitySnapshot snapshot, Set<Selector> selectors) throws StatusException {
    List<CachedIdentity> identities = snapshot.viewFor(selectors).identities();
    if (identities.isEmpty()) {
      throw Status.PERMISSION_DENIED.withDescription("no identity issued to the caller").asException();
    }
    if (identities.stream().noneMatch(i -> delegates.contains(i.spiffeId()))) {
      throw Status.PERMISSION_DENIED.withDescription("caller (" + identities.stream()
          .map(i -> i.spiffeId().toString()).toList() + ") is not configured as an authorized delegate")
          .asException();
    }
  }

  /** The target's selectors: given directly, or attested from its pid; exactly one of the two. */
  private Set<Selector> target(List<dev.signet.proto.spire.api.types.Selector> selectors, int pid)
      throws StatusException {
    if (selectors.isEmpty() == (pid == 0)) {
      throw Status.INVALID_ARGUMENT.withDescription("must provide either selectors or non-zero pid, but not both")
          .asException();
    }
    if (pid != 0) {
      try {
        return attestor.attestProcess(pid);
      } catch (StatusException e) {
        throw e.getStatus().withDescription("could not attest pid " + pid + ": " + e.getStatus().getDescription())
            .asException();
      }
    }
    Set<Selector> parsed = new HashSet<>();
    for (dev.signet.proto.spire.api.types.Selector selector : selectors) {
      try {
        parsed.add(new Selector(selector.getType(), selector.getValue()));
      } catch (IllegalArgumentException e) {
        throw Status.INVALID_ARGUMENT.withDescription("could not parse selector \"" + selector.getType() + ":"
            + selector.getValue() + "\": " + e.getMessage()).asException();
      }
    }
    return Set.copyOf(parsed);
  }

  private static SubscribeToX509SVIDsResponse x509Svids(WorkloadView view) {
    SubscribeToX509SVIDsResponse.Builder response = SubscribeToX509SVIDsResponse.newBuilder();
    for (CachedIdentity identity : view.identities()) {
      response.addX509Svids(X509SVIDWithKey.newBuilder()
          .setX509Svid(SvidProtos.toProto(identity.spiffeId(), identity.svid().chain()).toBuilder()
              .setHint(identity.hint()))
          .setX509SvidKey(ByteString.copyFrom(identity.svid().privateKey().getEncoded())));
    }
    view.federatedBundles().keySet().forEach(domain -> response.addFederatesWith(domain.idString()));
    return response.build();
  }

  private static List<Bundle> allBundles(IdentitySnapshot snapshot) {
    List<Bundle> all = new ArrayList<>();
    all.add(snapshot.bundle());
    all.addAll(snapshot.federatedBundles().values());
    return all;
  }
}
