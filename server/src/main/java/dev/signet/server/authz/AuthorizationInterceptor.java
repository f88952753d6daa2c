package dev.signet.server.authz;

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

/**
 * Enforces {@link MethodPolicy} on every call before service code runs. A refused agent learns why
 * through {@link PermissionDeniedDetails} (SPIRE agents re-attest or stop on these reasons).
 */
public final class AuthorizationInterceptor implements ServerInterceptor {
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
          return fail(call, lookupFailure(x509.id(), e));
        }
        if (decision.allowed()) {
          Context context = Context.current().withValue(AGENT_NODE, decision.node());
          return Contexts.interceptCall(context, call, headers, next);
        }
        return refuse(call, decision.message(), PermissionDeniedDetails.Reason.valueOf(decision.denial().name()));
      }
    }
    return fail(call, Status.PERMISSION_DENIED.withDescription(
        "authorization denied for method " + method + " to " + caller.describe()));
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
      PermissionDeniedDetails.Reason reason) {
    StatusRuntimeException error = PermissionDenied.of(reason, message);
    Metadata trailers = error.getTrailers();
    call.close(error.getStatus(), trailers == null ? new Metadata() : trailers);
    return new ServerCall.Listener<>() {};
  }
}
