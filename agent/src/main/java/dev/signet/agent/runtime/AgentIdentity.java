package dev.signet.agent.runtime;

import dev.signet.common.concurrent.GuardedBy;
import dev.signet.common.tls.SpiffeServerTrustManager;
import com.google.protobuf.ByteString;
import dev.signet.agent.client.NodeAttestation;
import dev.signet.agent.client.ServerConnection;
import dev.signet.agent.state.AgentState;
import dev.signet.agent.state.AgentStateStore;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.AgentX509SVIDParams;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentResponse;
import dev.signet.proto.spire.api.server.agent.v1.RenewAgentRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.signet.common.telemetry.Metrics;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import dev.signet.agent.workload.LocalValidity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own identity: loads the stored agent SVID, attests when there is none usable, renews it,
 * and opens connections to the server that present it. The key of the agent SVID never leaves memory
 * and the state store.
 */
public final class AgentIdentity {
  private static final Logger LOG = LoggerFactory.getLogger(AgentIdentity.class);
  private static final Duration ATTEST_TIMEOUT = Duration.ofSeconds(60);

  private final String host;
  private final int port;
  private final TrustDomain trustDomain;
  private final AgentStateStore store;
  private final boolean insecureBootstrap;
  private final Clock clock;
  private final Metrics metrics;
  private volatile AgentState state;
  /** When to renew the agent SVID and when it expires, on this host's clock (see {@link LocalValidity}). */
  private volatile LocalValidity validity;
  private volatile Supplier<Optional<Bundle>> latestBundle = Optional::empty;
  @GuardedBy("this")
  private SvidKeyManager keyManager;

  public AgentIdentity(String host, int port, TrustDomain trustDomain, AgentStateStore store,
      boolean insecureBootstrap, Clock clock) {
    this(host, port, trustDomain, store, insecureBootstrap, clock, Metrics.NONE);
  }

  /**
   * Timing node attestations as SPIRE's {@code node_attestor_new_svid} and renewals as {@code agent_svid_rotate}
   * call counters in {@code metrics}.
   */
  public AgentIdentity(String host, int port, TrustDomain trustDomain, AgentStateStore store,
      boolean insecureBootstrap, Clock clock, Metrics metrics) {
    this.metrics = metrics;
    metrics.declareCall("node_attestor_new_svid");
    metrics.declareCall("agent_svid_rotate");
    this.host = host;
    this.port = port;
    this.trustDomain = trustDomain;
    this.store = store;
    this.insecureBootstrap = insecureBootstrap;
    this.clock = clock;
  }

  /**
   * Makes sure the agent has a usable SVID: the stored one if it has not expired, else a new node
   * attestation with {@code attestor}, trusting {@code bootstrap} (or, with insecure bootstrap, nothing).
   *
   * @return true when the agent attested now, false when it resumed a stored identity
   */
  public boolean establish(Optional<Bundle> bootstrap, NodeAttestorClient attestor) {
    Optional<AgentState> stored = store.load();
    if (stored.isPresent() && stored.get().notAfter().isAfter(clock.instant())
        && stored.get().agentId().memberOf(trustDomain)) {
      state = stored.get();
      // when the stored SVID was received is not known: its own times apply
      validity = validityOf(state, state.leaf().getNotBefore().toInstant());
      LOG.info("resuming as {} (agent svid valid until {})", state.agentId(), state.notAfter());
      return false;
    }
    if (attestor == null) {
      throw new IllegalStateException("no stored agent svid and no way to attest (is a join token configured?)");
    }
    attest(stored.map(s -> Bundle.ofX509(trustDomain, s.bundle())).or(() -> bootstrap), attestor);
    return true;
  }

  /** Runs node attestation now (first start, or re-attestation of a re-attestable agent). */
  public void attest(Optional<Bundle> trusted, NodeAttestorClient attestor) {
    metrics.timed("node_attestor_new_svid", () -> {
      attestNow(trusted, attestor);
      return null;
    });
  }

  private void attestNow(Optional<Bundle> trusted, NodeAttestorClient attestor) {
    KeyPair key = KeyType.EC_P256.generate();
    SpiffeServerTrustManager trust = new SpiffeServerTrustManager(serverId(), () -> trusted, insecureBootstrap, clock);
    AttestAgentResponse.Result result;
    List<X509Certificate> roots;
    try (ServerConnection connection = ServerConnection.open(host, port, trust, null)) {
      result = NodeAttestation.attest(AgentGrpc.newStub(connection.channel()), attestor, Csrs.forKey(key),
          ATTEST_TIMEOUT);
      roots = serverRoots(connection, trusted);
    }
    List<X509Certificate> chain = SvidProtos.chainOf(result.getSvid());
    state = new AgentState(chain, key.getPrivate(), roots, result.getReattestable());
    validity = validityOf(state, clock.instant());
    store.save(state);
    LOG.info("node attestation succeeded: {} (reattestable={}, valid until {})", state.agentId(),
        result.getReattestable(), state.notAfter());
  }

  /**
   * The roots to trust from now on, fetched with GetBundle over the connection that just attested (as
   * SPIRE's agent does): with insecure bootstrap there is no other source, and otherwise the server's
   * current bundle may already hold a CA the bootstrap bundle predates. Without a usable answer the
   * bootstrap bundle stays; with insecure bootstrap that is an error, since the agent could never verify
   * its server afterwards.
   */
  private List<X509Certificate> serverRoots(ServerConnection connection, Optional<Bundle> trusted) {
    String problem;
    try {
      Bundle fetched = BundleProtos.fromProto(BundleGrpc.newBlockingStub(connection.channel())
          .withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS).getBundle(GetBundleRequest.getDefaultInstance()));
      if (fetched.trustDomain().equals(trustDomain) && !fetched.x509Certificates().isEmpty()) {
        return fetched.x509Certificates();
      }
      problem = "server sent a bundle for \"" + fetched.trustDomain() + "\" with " + fetched.x509Certificates().size()
          + " x509 authorities";
    } catch (StatusRuntimeException e) {
      problem = "GetBundle failed: " + e.getStatus();
    } catch (IllegalArgumentException e) { // ProtoConversionException: a malformed bundle
      problem = "server sent an unreadable bundle: " + e.getMessage();
    }
    if (trusted.isEmpty() || trusted.get().x509Certificates().isEmpty()) {
      throw Status.UNAVAILABLE.withDescription("attested, but cannot learn the trust bundle (" + problem + ")")
          .asRuntimeException();
    }
    LOG.warn("keeping the bootstrap bundle after attestation: {}", problem);
    return trusted.get().x509Certificates();
  }

  /** Renews the agent SVID with RenewAgent over {@code connection}; the caller then reconnects. */
  public void renew(ServerConnection connection) {
    metrics.timed("agent_svid_rotate", () -> {
      renewNow(connection);
      return null;
    });
  }

  private void renewNow(ServerConnection connection) {
    KeyPair key = KeyType.EC_P256.generate();
    var response = AgentGrpc.newBlockingStub(connection.channel()).withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
        .renewAgent(RenewAgentRequest.newBuilder().setParams(AgentX509SVIDParams.newBuilder()
            .setCsr(ByteString.copyFrom(Csrs.forKey(key)))).build());
    state = state.withSvid(SvidProtos.chainOf(response.getSvid()), key.getPrivate());
    validity = validityOf(state, clock.instant());
    store.save(state);
    keyManager().update(material());
    LOG.info("agent svid renewed, valid until {}", state.notAfter());
  }

  /** Records the bundle of the latest sync (persisted so a restart trusts the rotated CA). */
  public void bundleChanged(Bundle bundle) {
    latestBundle = () -> Optional.of(bundle);
    if (!bundle.x509Certificates().equals(state.bundle())) {
      state = state.withBundle(bundle.x509Certificates());
      store.save(state);
    }
  }

  /** A new mTLS connection presenting the current agent SVID. */
  public ServerConnection connect() {
    SpiffeServerTrustManager trust = new SpiffeServerTrustManager(serverId(), this::currentBundle, false, clock);
    return ServerConnection.open(host, port, trust, keyManager());
  }

  /** Forgets the stored identity (banned or evicted agents must not come back with it). */
  public void forget() {
    store.clear();
  }

  public AgentState state() {
    return state;
  }

  /**
   * When to renew the agent SVID, on this host's clock: at half of its lifetime, counted from its receipt when
   * the clocks of agent and server disagree ({@link LocalValidity}), so a skewed clock neither renews on every
   * tick nor too late.
   */
  public Instant renewAt() {
    return validity.renewAt();
  }

  /** Until when the agent SVID is valid, on this host's clock ({@link LocalValidity}). */
  public Instant expiresAt() {
    return validity.expiresAt();
  }

  private static LocalValidity validityOf(AgentState state, Instant receivedAt) {
    return LocalValidity.of(state.leaf().getNotBefore().toInstant(), state.notAfter(), receivedAt, Duration.ZERO);
  }

  public SpiffeId serverId() {
    return trustDomain.id("/spire/server");
  }

  private Optional<Bundle> currentBundle() {
    return latestBundle.get().or(() -> Optional.of(Bundle.ofX509(trustDomain, state.bundle())));
  }

  private synchronized SvidKeyManager keyManager() {
    if (keyManager == null) {
      keyManager = new SvidKeyManager(material());
    }
    return keyManager;
  }

  private SvidKeyManager.KeyMaterial material() {
    return new SvidKeyManager.KeyMaterial(state.privateKey(), state.svidChain());
  }
}
