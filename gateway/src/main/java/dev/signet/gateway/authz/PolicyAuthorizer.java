package dev.signet.gateway.authz;

import dev.signet.server.policy.PolicyEngine;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Decides with the access layer's policy engine, in process, over the policy files in force (the same
 * files, rules and semantics as {@code POST /api/v1/policies/evaluate}: deny by default, deny rules win).
 * Conditions see {@code context.route} (the gateway route's name); {@code trust} is empty because trust
 * scores live in the server, so a condition on {@code trust} fails and, as the engine does for every
 * failing condition, never opens access ({@link RemoteAuthorizer} asks the server, which has them).
 */
public final class PolicyAuthorizer implements Authorizer {
  private final Supplier<PolicyEngine> engine;

  public PolicyAuthorizer(Supplier<PolicyEngine> engine) {
    this.engine = engine;
  }

  @Override
  public CompletionStage<AccessDecision> decide(AccessRequest request) {
    PolicyEngine.Decision decision = engine.get().evaluate(request.caller(), request.resource(), request.action(),
        Map.of("route", request.route()), Map.of());
    return CompletableFuture.completedFuture(
        new AccessDecision(decision.allowed(), decision.reasons().isEmpty() ? "" : decision.reasons().getLast()));
  }
}
