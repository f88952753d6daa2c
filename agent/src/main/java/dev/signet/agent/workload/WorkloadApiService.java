package dev.signet.agent.workload;

import dev.signet.agent.workload.JwtSvidSource.JwtSvidUnavailableException;
import dev.signet.common.lifecycle.Lifecycle;
import dev.signet.common.logging.LoggedFailure;
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
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPIFFE Workload API. Every call is attested afresh from the kernel's peer credentials
 * ({@link CallerAttestor}); what a caller receives is the {@link WorkloadView} its selectors select from
 * the current {@link IdentitySnapshot}; views and encoded responses are reused per (snapshot, caller
 * selector set) ({@link SnapshotResponses}). The security header is checked before this service runs
 * ({@link SecurityHeaderInterceptor}).
 *
 * <p>Status codes follow SPIRE: a caller with no matching identity gets PERMISSION_DENIED
 * "no identity issued"; a request without an audience, or a token that does not validate, gets
 * INVALID_ARGUMENT, as does one beyond the {@link WorkloadRequestLimits}; a JWT-SVID the server cannot mint right now gets UNAVAILABLE. A caller entitled only
 * to entries whose X509-SVIDs the agent does not hold yet (beyond {@code x509_svid_cache_max_size}) is
 * not refused: the agent is asked to issue them and FetchX509SVID answers when they arrive.
 *
 * <p>Every call that ends in an error leaves exactly one log line ({@link LoggedFailure}): the method, the
 * caller's pid/uid/gid from the kernel, the selectors it was attested with when it got that far, and the
 * status it received. A token passed to ValidateJWTSVID is never logged.
 */
public final class WorkloadApiService extends SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase
    implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadApiService.class);
  private final WorkloadIdentityCache cache;
  private final CallerAttestor attestor;
  private final JwtSvidCache jwtSvids;
  private final Clock clock;
  /** Where handlers that may wait (on the server) run, off the event loop; this service made it, so it closes it. */
  private final ExecutorService mayBlock = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("workload-api-jwt-", 0).factory());
  private final SnapshotResponses.Holder responses = new SnapshotResponses.Holder();

  public WorkloadApiService(WorkloadIdentityCache cache, CallerAttestor attestor, JwtSvidCache jwtSvids, Clock clock) {
    this.cache = cache;
    this.attestor = attestor;
    this.jwtSvids = jwtSvids;
    this.clock = clock;
  }

  @Override
  public void fetchX509SVID(X509SVIDRequest request, StreamObserver<X509SVIDResponse> observer) {
    stream("FetchX509SVID", observer, (entitlement, lease) -> {
      WorkloadView view = entitled(entitlement);
      if (!view.pending().isEmpty()) {
        cache.demand(view.pending()); // SVIDs beyond x509_svid_cache_max_size: the sync issues them now
      }
      if (view.isEmpty()) {
        return null; // entitled, but its SVIDs are still being issued: the stream answers when they arrive
      }
      lease.hold(entitlement.entryIds(view));
      cache.markServed(view.identities());
      return entitlement.responses().x509Svids(entitlement.selectors(), view);
    });
  }

  @Override
  public void fetchX509Bundles(X509BundlesRequest request, StreamObserver<X509BundlesResponse> observer) {
    stream("FetchX509Bundles", observer, (entitlement, lease) ->
        entitlement.responses().x509Bundles(entitlement.selectors(), entitled(entitlement)));
  }

  @Override
  public void fetchJWTBundles(JWTBundlesRequest request, StreamObserver<JWTBundlesResponse> observer) {
    stream("FetchJWTBundles", observer, (entitlement, lease) ->
        entitlement.responses().jwtBundles(entitlement.selectors(), entitled(entitlement)));
  }

  /** True when attesting a caller may wait on a daemon, so calls must not run on the socket's event loop. */
  public boolean mayBlock() {
    return attestor.mayBlock();
  }

  /**
   * Runs on a virtual thread: the handlers of this service run on the socket's event loop (see
   * {@link WorkloadApiServer}), and minting a JWT-SVID may wait for the server.
   */
  @Override
  public void fetchJWTSVID(JWTSVIDRequest request, StreamObserver<JWTSVIDResponse> observer) {
    mayBlock.execute(Context.current().wrap(() -> fetchJwtSvidNow(request, observer)));
  }

  private void fetchJwtSvidNow(JWTSVIDRequest request, StreamObserver<JWTSVIDResponse> observer) {
    PeerCredentials caller = PeerCredentials.current();
    Set<Selector> selectors = null;
    try {
      WorkloadRequestLimits.checkAudiences(request.getAudienceList());
      WorkloadRequestLimits.checkSpiffeId(request.getSpiffeId());
      SpiffeId wanted = request.getSpiffeId().isEmpty() ? null : parseId(request.getSpiffeId());
      selectors = attest(caller);
      WorkloadView view = view(selectors);
      // A JWT-SVID needs no X509-SVID: entries pending under the X509-SVID cache size are minted for too.
      List<JwtTarget> targets = new ArrayList<>();
      view.identities().forEach(i -> targets.add(new JwtTarget(i.entryId(), i.spiffeId(), i.hint())));
      view.pending().forEach(p -> targets.add(new JwtTarget(p.entryId(), p.spiffeId(), p.hint())));
      targets.removeIf(t -> wanted != null && !t.spiffeId().equals(wanted));
      if (targets.isEmpty()) {
        throw noIdentity();
      }
      JWTSVIDResponse.Builder response = JWTSVIDResponse.newBuilder();
      for (JwtTarget target : targets) {
        response.addSvids(JWTSVID.newBuilder()
            .setSpiffeId(target.spiffeId().toString())
            .setSvid(mint(target, request.getAudienceList()).token().reveal())
            .setHint(target.hint()));
      }
      observer.onNext(response.build());
      observer.onCompleted();
    } catch (StatusException e) {
      observer.onError(logged(e, "FetchJWTSVID", caller, selectors));
    }
  }

  @Override
  public void validateJWTSVID(ValidateJWTSVIDRequest request, StreamObserver<ValidateJWTSVIDResponse> observer) {
    PeerCredentials caller = PeerCredentials.current();
    Set<Selector> selectors = null;
    try {
      WorkloadRequestLimits.checkAudience(request.getAudience());
      WorkloadRequestLimits.checkToken(request.getSvid());
      // As in SPIRE, validation needs no identity of its own: the caller's trust domain bundle is always
      // usable, federated bundles only when one of the caller's identities federates with them.
      selectors = attest(caller);
      WorkloadView view = view(selectors);
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
      observer.onError(logged(e, "ValidateJWTSVID", caller, selectors));
    }
  }

  private <R> void stream(String method, StreamObserver<R> observer, ViewComposer<R> composer) {
    PeerCredentials caller = PeerCredentials.current();
    Set<Selector> selectors;
    try {
      selectors = attest(caller);
    } catch (StatusException e) {
      observer.onError(logged(e, method, caller, null));
      return;
    }
    WorkloadIdentityCache.Lease lease = cache.lease();
    SnapshotStream.start(cache, (ServerCallStreamObserver<R>) observer, snapshot -> {
      try {
        return composer.compose(new Entitlement(responses.forSnapshot(snapshot), selectors), lease);
      } catch (StatusException e) {
        throw logged(e, method, caller, selectors); // the stream ends here: one line
      }
    }, lease::close);
  }

  private static StatusException logged(StatusException e, String method, PeerCredentials caller,
      Set<Selector> selectors) {
    return CallerFailureLog.logged(LOG, e, method, caller, selectors);
  }

  /** Builds a response from the caller's entitlement under one snapshot; null sends nothing yet. */
  @FunctionalInterface
  private interface ViewComposer<R> {
    R compose(Entitlement entitlement, WorkloadIdentityCache.Lease lease) throws StatusException;
  }

  /** A snapshot (with its cached responses) and the selectors of the caller looking at it. */
  private record Entitlement(SnapshotResponses responses, Set<Selector> selectors) {
    WorkloadView view() {
      return responses.view(selectors);
    }

    List<String> entryIds(WorkloadView view) {
      return view.identities().stream().map(CachedIdentity::entryId).toList();
    }
  }

  /** An entry a JWT-SVID is minted for. */
  private record JwtTarget(String entryId, SpiffeId spiffeId, String hint) {}

  /** The caller's view; PERMISSION_DENIED when it is entitled to nothing, held or pending. */
  private static WorkloadView entitled(Entitlement entitlement) throws StatusException {
    WorkloadView view = entitlement.view();
    if (view.isUnentitled()) {
      throw noIdentity();
    }
    return view;
  }

  private WorkloadView view(Set<Selector> selectors) {
    return responses.forSnapshot(cache.current()).view(selectors);
  }

  private Set<Selector> attest(PeerCredentials caller) throws StatusException {
    return attestor.attest(caller);
  }

  private JwtSvid mint(JwtTarget identity, List<String> audiences) throws StatusException {
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

  /**
   * Stops the handlers that wait for the server: no new ones start (a FetchJWTSVID arriving later is
   * refused by its executor) and those in progress are awaited, then interrupted, within the deadline.
   */
  @Override
  public void close() {
    try (Lifecycle lifecycle = new Lifecycle("workload api handlers")) {
      lifecycle.pushExecutor("jwt-svid handlers", mayBlock);
    }
  }
}
