package dev.signet.server.api.agent;

import dev.signet.attestors.node.AgentIds;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.Challenger;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.common.logging.LogFields;
import dev.signet.common.logging.LoggedFailure;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.JoinToken;
import dev.signet.datastore.NodeFilter;
import dev.signet.datastore.Page;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentResponse;
import dev.signet.proto.spire.api.server.agent.v1.BanAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.CountAgentsRequest;
import dev.signet.proto.spire.api.server.agent.v1.CountAgentsResponse;
import dev.signet.proto.spire.api.server.agent.v1.CreateJoinTokenRequest;
import dev.signet.proto.spire.api.server.agent.v1.DeleteAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.GetAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.ListAgentsRequest;
import dev.signet.proto.spire.api.server.agent.v1.ListAgentsResponse;
import dev.signet.proto.spire.api.server.agent.v1.PostStatusRequest;
import dev.signet.proto.spire.api.server.agent.v1.PostStatusResponse;
import dev.signet.proto.spire.api.server.agent.v1.RenewAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.RenewAgentResponse;
import dev.signet.proto.spire.api.types.Agent;
import dev.signet.proto.spire.api.types.PermissionDeniedDetails;
import dev.signet.server.api.ApiErrors;
import dev.signet.server.api.InputValidation;
import dev.signet.server.api.Paging;
import dev.signet.server.api.Unary;
import dev.signet.server.api.convert.EntryConverter;
import dev.signet.common.proto.PermissionDenied;
import dev.signet.server.authz.AuthorizationInterceptor;
import dev.signet.server.ca.IssuedX509Svid;
import dev.signet.server.ca.SvidIssuer;
import dev.signet.server.endpoint.Caller;
import dev.signet.server.entrycache.EntryCache;
import dev.signet.server.ratelimit.PerKeyRateLimiter;
import com.google.protobuf.Empty;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code spire.api.server.agent.v1.Agent}: node attestation, agent SVID renewal, join tokens and the
 * management of attested agents (list, show, ban, evict).
 *
 * <p>Logs: every attestation leaves one line: INFO when an agent is admitted, WARN (or ERROR for our own
 * failures) naming the attestor, the caller's address, the agent ID once the attestor has named one, and
 * why, when it is refused. Evictions and bans leave one INFO line each. The attestation payload (a join
 * token, a signed document) is never logged.
 */
public final class AgentService extends AgentGrpc.AgentImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(AgentService.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TrustDomain trustDomain;
  private final DataStore dataStore;
  private final SvidIssuer issuer;
  private final Map<String, NodeAttestor> attestors;
  private final EntryCache entryCache;
  private final PerKeyRateLimiter attestLimiter;
  private final Executor executor;
  private final Clock clock;
  private final AgentLifecycleListener lifecycle;

  /** @param attestLimiter null when {@code ratelimit.attestation} is off */
  public AgentService(TrustDomain trustDomain, DataStore dataStore, SvidIssuer issuer, Map<String, NodeAttestor> attestors,
      EntryCache entryCache, PerKeyRateLimiter attestLimiter, Executor executor, Clock clock) {
    this(trustDomain, dataStore, issuer, attestors, entryCache, attestLimiter, executor, clock,
        AgentLifecycleListener.NONE);
  }

  public AgentService(TrustDomain trustDomain, DataStore dataStore, SvidIssuer issuer, Map<String, NodeAttestor> attestors,
      EntryCache entryCache, PerKeyRateLimiter attestLimiter, Executor executor, Clock clock,
      AgentLifecycleListener lifecycle) {
    this.lifecycle = lifecycle;
    this.trustDomain = trustDomain;
    this.dataStore = dataStore;
    this.issuer = issuer;
    this.attestors = Map.copyOf(attestors);
    this.entryCache = entryCache;
    this.attestLimiter = attestLimiter;
    this.executor = executor;
    this.clock = clock;
  }

  @Override
  public void countAgents(CountAgentsRequest request, StreamObserver<CountAgentsResponse> out) {
    long count = ApiErrors.call(() -> dataStore.countAttestedNodes(NodeFilter.ALL));
    Unary.reply(out, CountAgentsResponse.newBuilder().setCount((int) count).build());
  }

  @Override
  public void listAgents(ListAgentsRequest request, StreamObserver<ListAgentsResponse> out) {
    NodeFilter filter = AgentFilters.fromProto(request.getFilter(), clock);
    int pageSize = Paging.pageSize(request.getPageSize());
    Page<AttestedNode> page = ApiErrors.call(() -> dataStore.listAttestedNodes(filter, request.getPageToken(), pageSize));
    ListAgentsResponse.Builder response = ListAgentsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.items().forEach(node -> response.addAgents(AgentConverter.toProto(node)));
    Unary.reply(out, response.build());
  }

  @Override
  public void getAgent(GetAgentRequest request, StreamObserver<Agent> out) {
    Unary.reply(out, AgentConverter.toProto(fetch(agentId(request.getId()))));
  }

  @Override
  public void deleteAgent(DeleteAgentRequest request, StreamObserver<Empty> out) {
    SpiffeId id = agentId(request.getId());
    ApiErrors.call(() -> dataStore.deleteNode(id));
    LOG.atInfo().addKeyValue(LogFields.AGENT_ID, id).addKeyValue(LogFields.CALLER, Caller.current().describe())
        .log("agent evicted");
    lifecycle.evicted(id);
    Unary.reply(out, Empty.getDefaultInstance());
  }

  @Override
  public void banAgent(BanAgentRequest request, StreamObserver<Empty> out) {
    SpiffeId id = agentId(request.getId());
    ApiErrors.call(() -> dataStore.banNode(id));
    LOG.atInfo().addKeyValue(LogFields.AGENT_ID, id).addKeyValue(LogFields.CALLER, Caller.current().describe())
        .log("agent banned");
    lifecycle.banned(id);
    Unary.reply(out, Empty.getDefaultInstance());
  }

  @Override
  public StreamObserver<AttestAgentRequest> attestAgent(StreamObserver<AttestAgentResponse> out) {
    String peer = Caller.peerAddress();
    return new AttestAgentCall(out, executor, peer, (params, challenger) -> attest(peer, params, challenger));
  }

  private AttestAgentResponse.Result attest(String peer, AttestAgentRequest.Params params, Challenger challenger) {
    String type = params.getData().getType();
    Attested attested;
    try {
      attested = runAttestor(peer, params, challenger);
    } catch (StatusRuntimeException e) {
      throw refused(e, peer, type, null);
    }
    AttestResult result = attested.result();
    try {
      AttestAgentResponse.Result admitted = admit(type, attested.key(), result);
      LOG.atInfo().addKeyValue(LogFields.AGENT_ID, result.agentId()).addKeyValue(LogFields.ATTESTOR, type)
          .addKeyValue(LogFields.CALLER_ADDRESS, peer).log("agent attested");
      return admitted;
    } catch (StatusRuntimeException e) {
      throw refused(e, peer, type, result.agentId());
    }
  }

  /**
   * Logs the one line of a refused (or failed) attestation and tells the listener (naming the attestor only when
   * it is one of ours, so callers cannot mint metric series); the failure itself goes back unchanged.
   */
  private StatusRuntimeException refused(StatusRuntimeException e, String peer, String type, SpiffeId agentId) {
    lifecycle.refused(attestors.containsKey(type) ? type : "", e.getStatus().getCode());
    LoggedFailure.of(e.getStatus())
        .with(LogFields.ATTESTOR, type.isEmpty() ? null : type)
        .with(LogFields.CALLER_ADDRESS, peer)
        .with(LogFields.AGENT_ID, agentId)
        .log(LOG);
    return e;
  }

  /** What the node attestor said, and the key the agent's CSR carries. */
  private record Attested(PublicKey key, AttestResult result) {}

  /** Checks the params and runs the node attestor named by them; the payload stays in here. */
  private Attested runAttestor(String peer, AttestAgentRequest.Params params, Challenger challenger) {
    if (!params.hasData() || params.getData().getType().isEmpty()) {
      throw InputValidation.invalid("malformed param: missing attestation data type");
    }
    if (params.getData().getPayload().isEmpty()) {
      throw InputValidation.invalid("malformed param: missing attestation data payload");
    }
    if (!params.hasParams() || params.getParams().getCsr().isEmpty()) {
      throw InputValidation.invalid("malformed param: missing X509-SVID params (csr)");
    }
    if (attestLimiter != null && !attestLimiter.tryAcquire(peer, 1)) {
      throw Status.RESOURCE_EXHAUSTED.withDescription("rate (1 attestation per second per address) exceeded")
          .asRuntimeException();
    }
    String type = params.getData().getType();
    NodeAttestor attestor = attestors.get(type);
    if (attestor == null) {
      throw Status.FAILED_PRECONDITION.withDescription("error getting node attestor: could not find node attestor type \""
          + type + "\"").asRuntimeException();
    }
    PublicKey key = issuer.csrPublicKey(params.getParams().getCsr().toByteArray());
    try {
      return new Attested(key, attestor.attest(trustDomain, params.getData().getPayload().toByteArray(), challenger));
    } catch (AttestationException e) {
      throw ApiErrors.fromAttestation(e);
    }
  }

  /** Admits the agent the attestor named, unless it is banned or its ID is taken; issues its SVID. */
  private AttestAgentResponse.Result admit(String type, PublicKey key, AttestResult result) {
    SpiffeId agentId = result.agentId();
    if (!agentId.memberOf(trustDomain) || !AgentIds.isAgentId(agentId)) {
      throw Status.INTERNAL.withDescription(type + ": attestor produced an invalid agent id \"" + agentId + "\"")
          .asRuntimeException();
    }
    Optional<AttestedNode> existing = ApiErrors.call(() -> dataStore.fetchAttestedNode(agentId));
    if (existing.isPresent() && existing.get().banned()) {
      throw Status.PERMISSION_DENIED.withDescription("failed to attest: agent is banned").asRuntimeException();
    }
    if (existing.isPresent() && !existing.get().attestationDataType().equals(type)) {
      // Another attestor's evidence never takes over an agent ID (e.g. a crafted aws_iid tag naming a tpm agent).
      throw Status.PERMISSION_DENIED.withDescription("failed to attest: agent \"" + agentId + "\" was attested with \""
          + existing.get().attestationDataType() + "\", not \"" + type + "\"").asRuntimeException();
    }
    if (existing.isPresent() && !existing.get().canReattest()) {
      throw Status.PERMISSION_DENIED.withDescription(
          "failed to attest: attestation data has already been used to attest an agent").asRuntimeException();
    }
    IssuedX509Svid svid = issuer.issueAgentSvid(key, agentId);
    AttestedNode node = new AttestedNode(agentId, type, svid.leaf().serialNumber().toString(),
        svid.leaf().notAfter(), "", null, result.canReattest(), false, result.selectors());
    ApiErrors.call(() -> {
      if (existing.isPresent()) {
        dataStore.updateNodeSerials(agentId, node.certSerialNumber(), node.certNotAfter(), "", null);
      } else {
        dataStore.createAttestedNode(node);
      }
      dataStore.setNodeSelectors(agentId, result.selectors());
      return null;
    });
    lifecycle.attested(agentId, type, existing.isPresent());
    return AttestAgentResponse.Result.newBuilder()
        .setSvid(svid.toProto())
        .setReattestable(result.canReattest())
        .build();
  }

  @Override
  public void renewAgent(RenewAgentRequest request, StreamObserver<RenewAgentResponse> out) {
    AttestedNode node = AuthorizationInterceptor.AGENT_NODE.get();
    // SPIRE's order: an agent that can re-attest is refused before its request is even looked at, with a
    // reason that tells it to re-attest (a fresh attestation proves the node again; a renewal would not).
    if (node.canReattest()) {
      throw PermissionDenied.of(PermissionDeniedDetails.Reason.AGENT_MUST_REATTEST,
          "agent must reattest instead of renew");
    }
    if (!request.hasParams() || request.getParams().getCsr().isEmpty()) {
      throw InputValidation.invalid("missing CSR");
    }
    PublicKey key = issuer.csrPublicKey(request.getParams().getCsr().toByteArray());
    IssuedX509Svid svid = issuer.issueAgentSvid(key, node.spiffeId());
    ApiErrors.call(() -> dataStore.updateNodeSerials(node.spiffeId(), node.certSerialNumber(), node.certNotAfter(),
        svid.leaf().serialNumber().toString(), svid.leaf().notAfter()));
    Unary.reply(out, RenewAgentResponse.newBuilder().setSvid(svid.toProto()).build());
  }

  @Override
  public void createJoinToken(CreateJoinTokenRequest request, StreamObserver<dev.signet.proto.spire.api.types.JoinToken> out) {
    // SPIRE refuses a missing (0) or negative TTL rather than defaulting; the CLI supplies its default.
    int ttl = request.getTtl();
    if (ttl < 1) {
      throw InputValidation.invalid("ttl is required, you must provide one");
    }
    String token = request.getToken().isEmpty() ? newToken() : request.getToken();
    SpiffeId tokenAgentId;
    try {
      tokenAgentId = AgentIds.agentId(trustDomain, "join_token", token);
    } catch (IllegalArgumentException e) {
      throw InputValidation.invalid("token \"" + token + "\" cannot form an agent id: " + e.getMessage());
    }
    SpiffeId alias = request.hasAgentId() ? InputValidation.workloadId("agent_id",
        EntryConverter.fromProto("agent_id", request.getAgentId()), trustDomain) : null;
    Instant expiresAt = clock.instant().plus(Duration.ofSeconds(ttl));
    ApiErrors.call(() -> {
      dataStore.createJoinToken(new JoinToken(token, expiresAt));
      if (alias != null) {
        dataStore.createEntry(new RegistrationEntry("", alias, tokenAgentId,
            List.of(new Selector("spiffe_id", tokenAgentId.toString())), 0, 0, List.of(), false, false, 0,
            List.of(), 0, false, "", 0));
      }
      return null;
    });
    if (alias != null) {
      entryCache.refresh();
    }
    Unary.reply(out, dev.signet.proto.spire.api.types.JoinToken.newBuilder()
        .setValue(token).setExpiresAt(expiresAt.getEpochSecond()).build());
  }

  @Override
  public void postStatus(PostStatusRequest request, StreamObserver<PostStatusResponse> out) {
    AttestedNode node = AuthorizationInterceptor.AGENT_NODE.get();
    String version = request.getAgentVersion();
    // shown by "agent show": printable ASCII only, so no terminal escape or forged line reaches an operator
    if (version.length() > AttestedNode.MAX_AGENT_VERSION_LENGTH
        || !version.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw InputValidation.invalid("agent_version must be at most " + AttestedNode.MAX_AGENT_VERSION_LENGTH
          + " printable ascii characters");
    }
    if (!version.isEmpty() && !version.equals(node.agentVersion())) {
      ApiErrors.call(() -> dataStore.setAgentVersion(node.spiffeId(), version));
    }
    Unary.reply(out, PostStatusResponse.getDefaultInstance());
  }

  private AttestedNode fetch(SpiffeId id) {
    return ApiErrors.call(() -> dataStore.fetchAttestedNode(id)).orElseThrow(() ->
        Status.NOT_FOUND.withDescription("agent \"" + id + "\" not found").asRuntimeException());
  }

  private SpiffeId agentId(dev.signet.proto.spire.api.types.SPIFFEID id) {
    SpiffeId parsed = InputValidation.inTrustDomain("id", EntryConverter.fromProto("id", id), trustDomain);
    if (!AgentIds.isAgentId(parsed)) {
      throw InputValidation.invalid("id: \"" + parsed + "\" is not an agent id (expected /spire/agent/...)");
    }
    return parsed;
  }

  /** A random (version 4, RFC 9562) UUID, as SPIRE's join tokens are: 122 bits from the server's SecureRandom. */
  private static String newToken() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
    bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
    String hex = HexFormat.of().formatHex(bytes);
    return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
        + hex.substring(16, 20) + "-" + hex.substring(20);
  }
}
