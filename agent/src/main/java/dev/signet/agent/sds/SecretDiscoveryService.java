package dev.signet.agent.sds;

import com.google.protobuf.Any;
import dev.signet.agent.workload.CallerAttestor;
import dev.signet.agent.workload.CallerFailureLog;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.common.spiffe.Selector;
import dev.signet.proto.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import dev.signet.proto.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import dev.signet.proto.envoy.service.discovery.v3.DiscoveryRequest;
import dev.signet.proto.envoy.service.discovery.v3.DiscoveryResponse;
import dev.signet.proto.envoy.service.secret.v3.SecretDiscoveryServiceGrpc;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's Secret Discovery Service (v3) on the agent's Workload API socket, as SPIRE's agent serves it:
 * Envoy points an SDS cluster at the socket and receives its X509-SVIDs as {@code tls_certificate} Secrets
 * and bundles as {@code validation_context} Secrets, pushed again on every rotation and bundle change.
 * Resource names and shapes: {@link SecretResolver}, {@link EnvoySecrets}; the stream: {@link SdsStream}.
 * {@code DeltaSecrets} answers UNIMPLEMENTED, as in SPIRE. Binding builds no protobuf descriptors
 * ({@link SdsServiceDefinition}).
 *
 * <p>Security: the calling Envoy process is attested exactly like a Workload API caller (the kernel's peer
 * credentials, then every workload attestor through the same {@link CallerAttestor}), and it receives only
 * what its own selectors entitle it to. As in SPIRE, no {@code workload.spiffe.io} header is required:
 * Envoy cannot send one, and the header only guards against confused deputies forwarding Workload API
 * calls, while every SDS answer is bound to the attested calling process all the same.
 */
public final class SecretDiscoveryService implements SecretDiscoveryServiceGrpc.AsyncService, BindableService {
  private static final Logger LOG = LoggerFactory.getLogger(SecretDiscoveryService.class);

  private final SdsConfig config;
  private final WorkloadIdentityCache cache;
  private final CallerAttestor attestor;

  public SecretDiscoveryService(SdsConfig config, WorkloadIdentityCache cache, CallerAttestor attestor) {
    this.config = Objects.requireNonNull(config, "sds config");
    this.cache = Objects.requireNonNull(cache, "identity cache");
    this.attestor = Objects.requireNonNull(attestor, "caller attestor");
  }

  @Override
  public ServerServiceDefinition bindService() {
    return SdsServiceDefinition.bind(this);
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamSecrets(StreamObserver<DiscoveryResponse> observer) {
    PeerCredentials caller = PeerCredentials.current();
    Set<Selector> selectors;
    try {
      selectors = attestor.attest(caller);
    } catch (StatusException e) {
      observer.onError(CallerFailureLog.logged(LOG, e, SdsStream.METHOD, caller, null));
      return ignoring();
    }
    return SdsStream.open((ServerCallStreamObserver<DiscoveryResponse>) observer, config, cache, selectors, caller);
  }

  /**
   * One answer, with no version or nonce (as SPIRE); a requested X509-SVID the agent is still issuing makes
   * it UNAVAILABLE, so the caller retries, and asks the sync to issue it.
   */
  @Override
  public void fetchSecrets(DiscoveryRequest request, StreamObserver<DiscoveryResponse> observer) {
    PeerCredentials caller = PeerCredentials.current();
    Set<Selector> selectors = null;
    try {
      if (!request.getTypeUrl().isEmpty() && !request.getTypeUrl().equals(EnvoySecrets.SECRET_TYPE_URL)) {
        throw Status.INVALID_ARGUMENT.withDescription("type_url \"" + request.getTypeUrl() + "\" is not "
            + EnvoySecrets.SECRET_TYPE_URL).asException();
      }
      selectors = attestor.attest(caller);
      SecretResolver.Resolution resolution = SecretResolver.resolve(config,
          SpiffeValidatorChoice.useValidator(config, request.getNode()), request.getResourceNamesList(),
          cache.current().viewFor(selectors));
      if (!resolution.awaited().isEmpty()) {
        cache.demand(resolution.awaited());
      }
      if (!resolution.complete()) {
        throw Status.UNAVAILABLE.withDescription("x509-svids for " + resolution.awaited().stream()
            .map(p -> "\"" + p.spiffeId() + "\"").toList() + " are being issued; retry").asException();
      }
      cache.markServed(resolution.served());
      DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder().setTypeUrl(EnvoySecrets.SECRET_TYPE_URL);
      resolution.secrets().forEach(secret -> response.addResources(Any.pack(secret)));
      observer.onNext(response.build());
      observer.onCompleted();
    } catch (StatusException e) {
      observer.onError(CallerFailureLog.logged(LOG, e, "FetchSecrets", caller, selectors));
    }
  }

  @Override
  public StreamObserver<DeltaDiscoveryRequest> deltaSecrets(StreamObserver<DeltaDiscoveryResponse> observer) {
    observer.onError(Status.UNIMPLEMENTED.withDescription("DeltaSecrets is not implemented; use StreamSecrets")
        .asException());
    return ignoring();
  }

  private static <T> StreamObserver<T> ignoring() {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
