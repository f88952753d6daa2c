package dev.signet.gateway.authz;

import dev.signet.server.audit.AuditTrail;
import java.io.IOException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every decision (cached ones too) to the gateway's hash-chained audit trail: actor = the caller's
 * SPIFFE ID, action {@code gateway.authorize}, outcome {@code allow}/{@code deny}, reason = route, action,
 * resource and why. Security: fail closed, a decision that cannot be recorded is a denial.
 */
public final class AuditingAuthorizer implements Authorizer {
  private static final Logger LOG = LoggerFactory.getLogger(AuditingAuthorizer.class);
  static final String ACTION = "gateway.authorize";

  private final Authorizer delegate;
  private final AuditTrail trail;

  public AuditingAuthorizer(Authorizer delegate, AuditTrail trail) {
    this.delegate = delegate;
    this.trail = trail;
  }

  @Override
  public CompletionStage<AccessDecision> decide(AccessRequest request) {
    return delegate.decide(request).thenApply(decision -> audited(request, decision));
  }

  private AccessDecision audited(AccessRequest request, AccessDecision decision) {
    try {
      trail.append(request.caller().toString(), ACTION, decision.outcome(), "route=" + request.route() + " action="
          + request.action() + " resource=" + request.resource() + ": " + decision.reason(), "");
      return decision;
    } catch (IOException | RuntimeException e) {
      LOG.error("audit trail write failed, denying {} {} for {}: {}", request.action(), request.resource(),
          request.caller(), e.getMessage());
      return AccessDecision.deny("the decision could not be audited (" + e.getMessage() + ")");
    }
  }
}
