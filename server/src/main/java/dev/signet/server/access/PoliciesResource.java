package dev.signet.server.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicyStore;
import dev.signet.server.trust.TrustFactor;
import dev.signet.server.trust.TrustScore;
import dev.signet.server.trust.TrustScorer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code POST /api/v1/policies/evaluate}: {@code {identity, resource, action, context}} → the decision, the
 * rule that made it and the identity's trust score (which conditions see as {@code trust}). Every decision
 * is audited and feeds the identity's behaviour (denials, anomalies) back into its trust score.
 */
final class PoliciesResource {
  record EvaluateRequest(@JsonProperty("identity") String identity, @JsonProperty("resource") String resource,
      @JsonProperty("action") String action, @JsonProperty("context") Map<String, Object> context) {}

  private final PolicyStore store;
  private final TrustScorer trust;
  private final RestAudit audit;
  private final AccessMetrics metrics;
  private final Predicate<SpiffeId> mayAskForOthers;

  PoliciesResource(PolicyStore store, TrustScorer trust, RestAudit audit, AccessMetrics metrics,
      Predicate<SpiffeId> mayAskForOthers) {
    this.mayAskForOthers = mayAskForOthers;
    this.store = store;
    this.trust = trust;
    this.audit = audit;
    this.metrics = metrics;
  }

  Map<String, Object> evaluate(SpiffeId caller, byte[] body) {
    EvaluateRequest request = RequestInputs.read(body, EvaluateRequest.class, "an evaluation request");
    if (request.resource() == null || request.action() == null) {
      throw Problem.badRequest("identity, resource and action are required");
    }
    RequestInputs.requireShort("resource", request.resource());
    RequestInputs.requireShort("action", request.action());
    SpiffeId identity = RequestInputs.spiffeId("identity", request.identity());
    // A decision counts in the identity's trust score, so only the identity itself and the configured
    // enforcement points may ask: nobody else can lower another identity's score or probe its policies.
    if (!identity.equals(caller) && !mayAskForOthers.test(caller)) {
      throw Problem.forbidden("\"" + caller + "\" may ask only about itself; enforcement points that ask about "
          + "others are listed in access_api.decision_clients");
    }
    TrustScore score = trust.score(identity);
    PolicyEngine.Decision decision = store.engine().evaluate(identity, request.resource(), request.action(),
        request.context() == null ? Map.of() : request.context(), variables(score));
    List<String> anomalies = trust.recordDecision(identity, request.resource(), decision.allowed());
    String outcome = decision.allowed() ? "allow" : "deny";
    audit.record(caller.toString(), "policy.evaluate", outcome, RestAudit.fields("identity", identity.toString(),
        "action", request.action(), "resource", request.resource(), "rule", decision.policy() + "/" + decision.rule(),
        "trust", Integer.toString(score.score()), "anomalies", String.join("; ", anomalies)), RestAudit.newRequestId());
    metrics.decision(decision.allowed());
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("decision", outcome);
    response.put("policy", decision.policy());
    response.put("rule", decision.rule());
    response.put("reasons", decision.reasons());
    response.put("trust_score", score.score());
    if (!anomalies.isEmpty()) {
      response.put("anomalies", anomalies);
    }
    if (!store.lastError().isEmpty()) {
      response.put("policy_warning", "the newest policy files are not in force: " + store.lastError());
    }
    return response;
  }

  /** What a condition sees as {@code trust}: {@code score} (int) and {@code factors} (names of the non-zero ones). */
  private static Map<String, Object> variables(TrustScore score) {
    return Map.of("score", (long) score.score(), "factors",
        score.factors().stream().filter(f -> f.impact() != 0).map(TrustFactor::name).toList());
  }
}
