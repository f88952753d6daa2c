package dev.signet.server.audit;

import dev.signet.server.endpoint.Caller;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an audit record for every server API call except the agents' frequent read-only ones (syncs,
 * bundle reads, the push stream, health): who (the caller as identified by SO_PEERCRED or its X509-SVID),
 * what (the full method name), the outcome (the gRPC status, so refusals by authorization are recorded
 * too) and a request id. With {@code failClosed}, a call that changes state is refused UNAVAILABLE when
 * its "started" record cannot be written (or the disk lacks the room kept for its outcome), and answered
 * UNAVAILABLE instead of OK when its outcome record cannot be written, which the trail then owes
 * ({@link AuditTrail#appendOutcome}): nothing changes without a trace, and no change is acknowledged
 * without its outcome in the trail.
 */
public final class AuditInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AuditInterceptor.class);
  private static final Set<String> NOT_AUDITED = Set.of(
      "spire.api.server.entry.v1.Entry/SyncAuthorizedEntries", "spire.api.server.entry.v1.Entry/GetAuthorizedEntries",
      "spire.api.server.bundle.v1.Bundle/GetBundle", "spire.api.server.bundle.v1.Bundle/GetFederatedBundle",
      "signet.agent.push.v1.EntryPush/Subscribe", "grpc.health.v1.Health/Check", "grpc.health.v1.Health/Watch");
  private static final Pattern MUTATING = Pattern.compile(
      ".*/(Batch.*|Create.*|Delete.*|Update.*|Append.*|Set.*|Ban.*|Prepare.*|Activate.*|Taint.*|Revoke.*|Mint.*"
          + "|New.*|Publish.*|AttestAgent|RenewAgent|RefreshBundle)");

  private final AuditTrail trail;
  private final boolean failClosed;

  public AuditInterceptor(AuditTrail trail, boolean failClosed) {
    this.trail = trail;
    this.failClosed = failClosed;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    if (NOT_AUDITED.contains(method)) {
      return next.startCall(call, headers);
    }
    Caller caller = Caller.current();
    String actor = caller == null ? "unknown" : caller.describe();
    String requestId = UUID.randomUUID().toString();
    boolean gated = failClosed && MUTATING.matcher(method).matches();
    if (gated) {
      try {
        trail.appendIntent(actor, method, "", requestId);
      } catch (IOException e) {
        LOG.error("audit trail {} cannot be written; refusing {} (audit_log_fail_closed)", trail.file(), method, e);
        call.close(Status.UNAVAILABLE.withDescription("audit trail unavailable; the call was not run"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    }
    return next.startCall(new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        String outcome = status.isOk() ? "ok" : status.getCode().name();
        try {
          if (gated) {
            trail.appendOutcome(actor, method, outcome, status.getDescription(), requestId);
          } else {
            trail.append(actor, method, outcome, status.getDescription(), requestId);
          }
        } catch (IOException e) {
          LOG.error("audit record of {} by {} not written to {}", method, actor, trail.file(), e);
          if (gated && status.isOk()) {
            super.close(Status.UNAVAILABLE.withDescription("the change was made but its outcome could not be "
                + "written to the audit trail; it will be written before any other record (audit_log_fail_closed)"),
                trailers);
            return;
          }
        }
        super.close(status, trailers);
      }
    }, headers);
  }
}
