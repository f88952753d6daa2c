package dev.signet.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.server.audit.AuditTrail;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /api/v1/audit}: the newest records, filtered by {@code actor}, {@code action} (substring), {@code outcome}. */
final class AuditResource {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final AuditTrail trail;

  AuditResource(AuditTrail trail) {
    this.trail = trail;
  }

  Map<String, Object> query(Map<String, Optional<String>> params) {
    Optional<String> actor = params.get("actor");
    Optional<String> action = params.get("action");
    Optional<String> outcome = params.get("outcome");
    int limit = params.get("limit").map(AuditResource::limit).orElse(DEFAULT_LIMIT);
    List<JsonNode> records = trail.query(record ->
        actor.map(a -> a.equals(record.path("actor").asText())).orElse(true)
            && action.map(a -> record.path("action").asText().contains(a)).orElse(true)
            && outcome.map(o -> o.equals(record.path("outcome").asText())).orElse(true), limit);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("records", records);
    return body;
  }

  private static int limit(String text) {
    try {
      int limit = Integer.parseInt(text);
      if (limit < 1 || limit > MAX_LIMIT) {
        throw Problem.badRequest("limit " + limit + " is outside 1.." + MAX_LIMIT);
      }
      return limit;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("limit \"" + text + "\" is not a number");
    }
  }
}
