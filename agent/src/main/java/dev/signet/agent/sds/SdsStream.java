package dev.signet.agent.sds;

import com.google.protobuf.Any;
import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.CallerFailureLog;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.common.spiffe.Selector;
import dev.signet.proto.envoy.config.core.v3.Node;
import dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.Secret;
import dev.signet.proto.envoy.service.discovery.v3.DiscoveryRequest;
import dev.signet.proto.envoy.service.discovery.v3.DiscoveryResponse;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code StreamSecrets} call: the state-of-the-world xDS exchange for one attested Envoy.
 *
 * <ul>
 *   <li>The first request, and every later one whose set of resource names differs, is answered with the
 *       Secrets for those names ({@link SecretResolver}) under a new {@code version_info} and {@code nonce}.</li>
 *   <li>A request carrying the last nonce with the same names is an ACK (or, with {@code error_detail}, a
 *       NACK, logged once): nothing is sent. A NACKed version is not sent again; the stream answers next
 *       when the Secrets change (rotation, bundle change) or the names do.</li>
 *   <li>A request with another nonce than the last one sent is stale (it answers an older response) and is
 *       ignored, as the xDS protocol says.</li>
 *   <li>Every new identity snapshot is resolved again and pushed only when the caller's Secrets differ from
 *       the last ones sent, so unrelated changes reach no Envoy.</li>
 * </ul>
 * A name that cannot be served ends the stream with the resolver's status; the caller's selectors are the
 * ones attested when the stream opened. All state is guarded by this object's lock: requests arrive on the
 * socket's event loop, snapshots on the sync thread.
 */
final class SdsStream implements StreamObserver<DiscoveryRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(SdsStream.class);
  static final String METHOD = "StreamSecrets";
  private static final int MAX_LOGGED_CHARS = 512;

  private final ServerCallStreamObserver<DiscoveryResponse> out;
  private final SdsConfig config;
  private final WorkloadIdentityCache cache;
  private final Set<Selector> selectors;
  private final PeerCredentials caller;
  private final WorkloadIdentityCache.Lease lease;
  private WorkloadIdentityCache.Subscription subscription;
  private IdentitySnapshot snapshot;
  private Set<String> names;
  private Node node = Node.getDefaultInstance();
  private List<Secret> lastSent;
  private String lastNonce;
  private String nackLogged;
  private long versions;
  private long nonces;
  private boolean done;

  private SdsStream(ServerCallStreamObserver<DiscoveryResponse> out, SdsConfig config, WorkloadIdentityCache cache,
      Set<Selector> selectors, PeerCredentials caller) {
    this.out = out;
    this.config = config;
    this.cache = cache;
    this.selectors = Set.copyOf(selectors);
    this.caller = caller;
    this.lease = cache.lease();
  }

  /** Opens the stream for an attested caller and subscribes it to identity snapshots. */
  static SdsStream open(ServerCallStreamObserver<DiscoveryResponse> out, SdsConfig config,
      WorkloadIdentityCache cache, Set<Selector> selectors, PeerCredentials caller) {
    SdsStream stream = new SdsStream(out, config, cache, selectors, caller);
    out.setOnCancelHandler(stream::finish);
    WorkloadIdentityCache.Subscription subscription = cache.subscribe(stream::onSnapshot);
    stream.attach(subscription);
    return stream;
  }

  private synchronized void attach(WorkloadIdentityCache.Subscription subscription) {
    this.subscription = subscription;
    if (done) {
      subscription.close();
    }
  }

  @Override
  public synchronized void onNext(DiscoveryRequest request) {
    if (done) {
      return;
    }
    if (!request.getTypeUrl().isEmpty() && !request.getTypeUrl().equals(EnvoySecrets.SECRET_TYPE_URL)) {
      fail(Status.INVALID_ARGUMENT.withDescription("type_url \"" + request.getTypeUrl() + "\" is not "
          + EnvoySecrets.SECRET_TYPE_URL).asException());
      return;
    }
    if (request.hasNode()) {
      node = request.getNode(); // Envoy may send it on the first request only
    }
    if (lastNonce != null && !lastNonce.equals(request.getResponseNonce())) {
      LOG.debug("ignoring stale sds request with nonce \"{}\" (last sent \"{}\")",
          abbreviate(request.getResponseNonce()), lastNonce);
      return;
    }
    if (request.hasErrorDetail() && lastNonce != null && !lastNonce.equals(nackLogged)) {
      // One line per response rejected, however often the caller repeats its NACK.
      nackLogged = lastNonce;
      LOG.warn("envoy (pid {}) rejected secrets version {} (nonce {}): {}", caller == null ? null : caller.pid(),
          versions, lastNonce, abbreviate(request.getErrorDetail().getMessage()));
    }
    Set<String> requested = new LinkedHashSet<>(request.getResourceNamesList());
    boolean changed = names == null || !names.equals(requested);
    names = requested;
    if (changed) {
      push(true);
    }
  }

  private synchronized void onSnapshot(IdentitySnapshot next) {
    snapshot = next;
    push(false);
  }

  /** Resolves the Secrets now due and sends them when {@code force}d (new names) or when they changed. */
  private void push(boolean force) {
    if (done || names == null || snapshot == null) {
      return;
    }
    SecretResolver.Resolution resolution;
    try {
      resolution = SecretResolver.resolve(config, SpiffeValidatorChoice.useValidator(config, node), names,
          snapshot.viewFor(selectors));
    } catch (StatusException e) {
      fail(e);
      return;
    }
    lease.hold(resolution.served().stream().map(CachedIdentity::entryId).toList());
    if (!resolution.awaited().isEmpty()) {
      cache.demand(resolution.awaited()); // beyond x509_svid_cache_max_size: the sync issues them now
    }
    if (!resolution.complete() || (!force && resolution.secrets().equals(lastSent))) {
      return;
    }
    cache.markServed(resolution.served());
    if (!resolution.secrets().equals(lastSent)) {
      versions++;
    }
    lastSent = resolution.secrets();
    lastNonce = Long.toString(++nonces);
    DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder()
        .setVersionInfo(Long.toString(versions))
        .setTypeUrl(EnvoySecrets.SECRET_TYPE_URL)
        .setNonce(lastNonce);
    resolution.secrets().forEach(secret -> response.addResources(Any.pack(secret)));
    out.onNext(response.build());
  }

  /** Caller-supplied text in a log line: at most {@link #MAX_LOGGED_CHARS} characters, quoted. */
  private static String abbreviate(String text) {
    String shown = text.length() > MAX_LOGGED_CHARS ? text.substring(0, MAX_LOGGED_CHARS) + "..." : text;
    return "\"" + shown + "\"";
  }

  private void fail(StatusException e) {
    finish();
    out.onError(CallerFailureLog.logged(LOG, e, METHOD, caller, selectors));
  }

  @Override
  public void onError(Throwable t) {
    finish();
  }

  @Override
  public synchronized void onCompleted() {
    if (!done) {
      finish();
      out.onCompleted();
    }
  }

  private synchronized void finish() {
    done = true;
    lease.close();
    if (subscription != null) {
      subscription.close();
    }
  }
}
