package dev.signet.server.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicyStore;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /api/v1/policies/evaluate}: {@code {identity, resource, action, context}} → the decision. */
final class PoliciesResource {
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  record EvaluateRequest(@JsonProperty("identity") String identity, @JsonProperty("resource") String resource,
      @JsonProperty("action") String action, @JsonProperty("context") Map<String, Object> context) {}

  private final PolicyStore store;

  PoliciesResource(PolicyStore store) {
    this.store = store;
  }

  Map<String, Object> evaluate(byte[] body) {
    if (body.length > MAX_BODY_BYTES) {
      throw new Problem(413, "Content Too Large", "request body of " + body.length + " bytes is over "
          + MAX_BODY_BYTES);
    }
    EvaluateRequest request;
    try {
      request = JSON.readValue(body, EvaluateRequest.class);
    } catch (IOException e) {
      throw Problem.badRequest("body is not an evaluation request: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (request == null || request.identity() == null || request.resource() == null || request.action() == null) {
      throw Problem.badRequest("identity, resource and action are required");
    }
    SpiffeId identity;
    try {
      identity = SpiffeId.parse(request.identity());
    } catch (InvalidSpiffeIdException e) {
      throw Problem.badRequest("identity \"" + request.identity() + "\" is not a SPIFFE ID: " + e.getMessage());
    }
    PolicyEngine.Decision decision = store.engine().evaluate(identity, request.resource(), request.action(),
        request.context() == null ? Map.of() : request.context(), Map.of());
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("decision", decision.allowed() ? "allow" : "deny");
    response.put("policy", decision.policy());
    response.put("rule", decision.rule());
    response.put("reasons", decision.reasons());
    if (!store.lastError().isEmpty()) {
      response.put("policy_warning", "the newest policy files are not in force: " + store.lastError());
    }
    return response;
  }
}
