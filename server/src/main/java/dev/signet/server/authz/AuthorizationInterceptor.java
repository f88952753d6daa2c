package dev.signet.server.authz;

import dev.signet.common.logging.LogFields;
import dev.signet.common.logging.LoggedFailure;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStoreException;
import dev.signet.proto.spire.api.types.PermissionDeniedDetails;
import dev.signet.server.endpoint.Caller;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.signet.common.proto.PermissionDenied;

import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces {@link MethodPolicy} on every call before service code runs. A refused agent learns why
 * through {@link PermissionDeniedDetails} (SPIRE agents re-attest or stop on these reasons).
 *
 * <p>Every call refused here leaves one WARN line (one ERROR or WARN line when the agent could not be looked
 * up) with the method, the caller as {@link Caller#describe()} names it (a SPIFFE ID, a local uid and
 * pid, or "anonymous") and, for agents, the {@code PermissionDeniedDetails} reason.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationInterceptor.class);
  /** The attested node of an AGENT caller, for services that need it (RenewAgent, sync, signing). */
  public static final Context.Key<AttestedNode> AGENT_NODE = Context.key("signet.agent-node");

  private final AgentAuthorizer agents;
  private final Predicate<SpiffeId> isAdmin;
  private final Predicate<SpiffeId> isDownstream;

  /**
   * @param isAdmin true for IDs in {@code admin_ids} or of entries marked admin
   * @param isDownstream true for IDs of entries marked downstream
   */
  public AuthorizationInterceptor(AgentAuthorizer agents, Predicate<SpiffeId> isAdmin, Predicate<SpiffeId> isDownstream) {
    this.agents = agents;
    this.isAdmin = isAdmin;
    this.isDownstream = isDownstream;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    Set<Role> roles = MethodPolicy.rolesFor(method);
    Caller caller = Caller.current();
    if (roles.contains(Role.ANY)
        || (roles.contains(Role.LOCAL) && caller instanceof Caller.Local)) {
      return next.startCall(call, headers);
    }
    if (caller instanceof Caller.X509 x509) {
      if ((roles.contains(Role.ADMIN) && isAdmin.test(x509.id()))
          || (roles.contains(Role.DOWNSTREAM) && isDownstream.test(x509.id()))) {
        return next.startCall(call, headers);
      }
      if (roles.contains(Role.AGENT)) {
        AgentAuthorizer.Decision decision;
        try {
          decision = agents.check(x509.id(), x509.leaf());
        } catch (DataStoreException e) {
          return fail(call, LoggedFailure.of(lookupFailure(x509.id(), e))
              .with(LogFields.METHOD, method).with(LogFields.AGENT_ID, x509.id()).log(LOG));
        }
        if (decision.allowed()) {
          Context context = Context.current().withValue(AGENT_NODE, decision.node());
          return Contexts.interceptCall(context, call, headers, next);
        }
        PermissionDeniedDetails.Reason reason = PermissionDeniedDetails.Reason.valueOf(decision.denial().name());
        return refuse(call, decision.message(), reason, method, x509.id());
      }
    }
    return fail(call, LoggedFailure.of(Status.Code.PERMISSION_DENIED,
        "authorization denied for method " + method + " to " + caller.describe())
        .with(LogFields.METHOD, method).with(LogFields.CALLER, caller.describe()).log(LOG));
  }

  /**
   * The status for a datastore failure while checking an agent. It happens before any service code runs,
   * so nothing else would translate it and grpc-java would answer UNKNOWN. An unreachable database is
   * UNAVAILABLE (the agent retries); anything else is INTERNAL, as in SPIRE ("unable to look up agent
   * information"). The agent is neither refused nor let through.
   */
  static Status lookupFailure(SpiffeId agentId, DataStoreException e) {
    Status status = e.kind() == DataStoreException.Kind.UNAVAILABLE ? Status.UNAVAILABLE : Status.INTERNAL;
    return status.withDescription("unable to look up agent information for \"" + agentId + "\": "
        + e.getMessage()).withCause(e);
  }

  private static <Q, R> ServerCall.Listener<Q> fail(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String message,
      PermissionDeniedDetails.Reason reason, String method, SpiffeId agentId) {
    StatusRuntimeException error = PermissionDenied.of(reason, message);
    LoggedFailure.of(error.getStatus()).with(LogFields.METHOD, method).with(LogFields.AGENT_ID, agentId)
        .with(LogFields.REASON, reason.name()).log(LOG);
    Metadata trailers = error.getTrailers();
    call.close(error.getStatus(), trailers == null ? new Metadata() : trailers);
    return new ServerCall.Listener<>() {};
  }
}
