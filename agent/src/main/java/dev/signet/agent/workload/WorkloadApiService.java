package dev.signet.agent.workload;

import dev.signet.agent.workload.JwtSvidSource.JwtSvidUnavailableException;
import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.JwtSvid;
import dev.signet.common.svid.JwtSvidClaims;
import dev.signet.common.svid.JwtSvidValidator;
import dev.signet.common.svid.SvidValidationException;
import dev.signet.proto.transport.PeerCredentials;
import dev.signet.proto.workload.JWTBundlesRequest;
import dev.signet.proto.workload.JWTBundlesResponse;
import dev.signet.proto.workload.JWTSVID;
import dev.signet.proto.workload.JWTSVIDRequest;
import dev.signet.proto.workload.JWTSVIDResponse;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import dev.signet.proto.workload.ValidateJWTSVIDRequest;
import dev.signet.proto.workload.ValidateJWTSVIDResponse;
import dev.signet.proto.workload.X509BundlesRequest;
import dev.signet.proto.workload.X509BundlesResponse;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The SPIFFE Workload API. Every call is attested afresh from the kernel's peer credentials
 * ({@link CallerAttestor}); what a caller receives is the {@link WorkloadView} its selectors select from
 * the current {@link IdentitySnapshot}. The security header is checked before this service runs
 * ({@link SecurityHeaderInterceptor}).
 *
 * <p>Status codes follow SPIRE: a caller with no matching identity gets PERMISSION_DENIED
 * "no identity issued"; a request without an audience, or a token that does not validate, gets
 * INVALID_ARGUMENT; a JWT-SVID the server cannot mint right now gets UNAVAILABLE.
 */
public final class WorkloadApiService extends SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase {
  private final WorkloadIdentityCache cache;
  private final CallerAttestor attestor;
  private final JwtSvidCache jwtSvids;
  private final Clock clock;

  public WorkloadApiService(WorkloadIdentityCache cache, CallerAttestor attestor, JwtSvidCache jwtSvids, Clock clock) {
    this.cache = cache;
    this.attestor = attestor;
    this.jwtSvids = jwtSvids;
    this.clock = clock;
  }

  @Override
  public void fetchX509SVID(X509SVIDRequest request, StreamObserver<X509SVIDResponse> observer) {
    stream(observer, selectors -> WorkloadResponses.x509Svids(entitled(selectors)));
  }

  @Override
  public void fetchX509Bundles(X509BundlesRequest request, StreamObserver<X509BundlesResponse> observer) {
    stream(observer, selectors -> WorkloadResponses.x509Bundles(entitled(selectors)));
  }

  @Override
  public void fetchJWTBundles(JWTBundlesRequest request, StreamObserver<JWTBundlesResponse> observer) {
    stream(observer, selectors -> WorkloadResponses.jwtBundles(entitled(selectors)));
  }

  @Override
  public void fetchJWTSVID(JWTSVIDRequest request, StreamObserver<JWTSVIDResponse> observer) {
    try {
      if (request.getAudienceCount() == 0 || request.getAudienceList().stream().anyMatch(String::isEmpty)) {
        throw Status.INVALID_ARGUMENT.withDescription("audience must be specified").asException();
      }
      SpiffeId wanted = request.getSpiffeId().isEmpty() ? null : parseId(request.getSpiffeId());
      WorkloadView view = cache.current().viewFor(attest());
      List<CachedIdentity> identities = view.identities().stream()
          .filter(i -> wanted == null || i.spiffeId().equals(wanted)).toList();
      if (identities.isEmpty()) {
        throw noIdentity();
      }
      JWTSVIDResponse.Builder response = JWTSVIDResponse.newBuilder();
      for (CachedIdentity identity : identities) {
        response.addSvids(JWTSVID.newBuilder()
            .setSpiffeId(identity.spiffeId().toString())
            .setSvid(mint(identity, request.getAudienceList()).token())
            .setHint(identity.hint()));
      }
      observer.onNext(response.build());
      observer.onCompleted();
    } catch (StatusException e) {
      observer.onError(e);
    }
  }

  @Override
  public void validateJWTSVID(ValidateJWTSVIDRequest request, StreamObserver<ValidateJWTSVIDResponse> observer) {
    try {
      if (request.getAudience().isEmpty()) {
        throw Status.INVALID_ARGUMENT.withDescription("audience must be specified").asException();
      }
      if (request.getSvid().isEmpty()) {
        throw Status.INVALID_ARGUMENT.withDescription("svid must be specified").asException();
      }
      // As in SPIRE, validation needs no identity of its own: the caller's trust domain bundle is always
      // usable, federated bundles only when one of the caller's identities federates with them.
      WorkloadView view = cache.current().viewFor(attest());
      JwtSvidClaims claims;
      try {
        claims = JwtSvidValidator.validate(request.getSvid(), view.bundleSource(), request.getAudience(), clock.instant());
      } catch (SvidValidationException e) {
        throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
      }
      observer.onNext(ValidateJWTSVIDResponse.newBuilder()
          .setSpiffeId(claims.subject().toString())
          .setClaims(ClaimsStruct.of(claims.claims()))
          .build());
      observer.onCompleted();
    } catch (StatusException e) {
      observer.onError(e);
    }
  }

  private <R> void stream(StreamObserver<R> observer, ViewComposer<R> composer) {
    Set<Selector> selectors;
    try {
      selectors = attest();
    } catch (StatusException e) {
      observer.onError(e);
      return;
    }
    SnapshotStream.start(cache, (ServerCallStreamObserver<R>) observer,
        snapshot -> composer.compose(new Entitlement(snapshot, selectors)));
  }

  /** Builds a response from the caller's entitlement under one snapshot. */
  @FunctionalInterface
  private interface ViewComposer<R> {
    R compose(Entitlement entitlement) throws StatusException;
  }

  /** A snapshot and the selectors of the caller looking at it. */
  private record Entitlement(IdentitySnapshot snapshot, Set<Selector> selectors) {}

  private static WorkloadView entitled(Entitlement entitlement) throws StatusException {
    WorkloadView view = entitlement.snapshot().viewFor(entitlement.selectors());
    if (view.isEmpty()) {
      throw noIdentity();
    }
    return view;
  }

  private Set<Selector> attest() throws StatusException {
    return attestor.attest(PeerCredentials.current());
  }

  private JwtSvid mint(CachedIdentity identity, List<String> audiences) throws StatusException {
    try {
      return jwtSvids.fetch(identity.entryId(), identity.spiffeId(), audiences);
    } catch (JwtSvidUnavailableException e) {
      throw Status.UNAVAILABLE.withDescription("could not fetch jwt-svid for \"" + identity.spiffeId() + "\": "
          + e.getMessage()).withCause(e).asException();
    }
  }

  private static SpiffeId parseId(String text) throws StatusException {
    try {
      return SpiffeId.parse(text);
    } catch (InvalidSpiffeIdException e) {
      throw Status.INVALID_ARGUMENT.withDescription("invalid requested spiffe id: " + e.getMessage()).asException();
    }
  }

  private static StatusException noIdentity() {
    return Status.PERMISSION_DENIED.withDescription("no identity issued").asException();
  }
}
