package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Structural comparison of two {@code -output json} results of the same CLI command against two servers.
 * What legitimately differs between two servers is blanked before comparing: UUIDs anywhere in a string
 * (entry ids, join tokens and the agent ids made of them), non-zero {@code *_at} timestamps, serial numbers, key material and
 * key ids, tokens, and the free text of failed statuses (their codes are compared; the wording is each
 * server's own). Everything else (field names, presence, nesting, list lengths and order, booleans, TTLs,
 * codes, SPIFFE IDs) must be identical, except that a CLI built on spire-api-sdk v1.15.2 (Signet's) prints
 * the fields added since SPIRE v1.13.3 ({@link #NEWER_API_FIELDS}) with their empty values where the v1.13.3
 * CLI, which does not know them, prints nothing.
 */
final class CliJson {
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** Values that are random or key-derived per server. */
  private static final Set<String> OPAQUE = Set.of("x509svid_serial_number", "asn1", "public_key", "key_id",
      "authority_id", "token", "x509_svid", "private_key", "root_cas", "x509_authorities_der");

  /** Fields of spire-api-sdk v1.15.2 that SPIRE v1.13.3's CLI cannot print: Agent.agent_version, Bundle.wit_authorities. */
  static final Set<String> NEWER_API_FIELDS = Set.of("agent_version", "wit_authorities");

  private CliJson() {}

  /** A copy of {@code node} with the legitimately different values blanked. */
  static JsonNode normalize(JsonNode node) {
    return normalize(null, node);
  }

  private static JsonNode normalize(String field, JsonNode node) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (node.isObject()) {
      ObjectNode copy = nodes.objectNode();
      boolean failed = node.has("code") && node.path("code").asInt() != 0 && node.has("message");
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (failed && e.getKey().equals("message")) {
          copy.put("message", "<failure text>");
        } else {
          copy.set(e.getKey(), normalize(e.getKey(), e.getValue()));
        }
      }
      return copy;
    }
    if (node.isArray()) {
      var copy = nodes.arrayNode();
      node.forEach(item -> copy.add(normalize(field, item)));
      return copy;
    }
    if (field != null && OPAQUE.contains(field) && !node.asText().isEmpty()) {
      return nodes.textNode("<opaque>");
    }
    if (field != null && field.endsWith("_at") && !node.asText().equals("0")) {
      return nodes.textNode("<time>");
    }
    if (node.isTextual()) {
      return nodes.textNode(UUID.matcher(node.asText()).replaceAll("<uuid>"));
    }
    return node;
  }

  /** Every place where the normalized trees differ, as "path: a=… b=…" lines. */
  static List<String> differences(JsonNode a, JsonNode b) {
    List<String> out = new ArrayList<>();
    diff("$", normalize(a), normalize(b), out);
    return out;
  }

  private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a.isObject() && b.isObject()) {
      Set<String> names = new TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (!a.has(name) || !b.has(name)) {
          JsonNode present = a.has(name) ? a.get(name) : b.get(name);
          if (NEWER_API_FIELDS.contains(name) && (present.asText().isEmpty() && present.isValueNode()
              || present.isArray() && present.isEmpty())) {
            continue;
          }
          out.add(path + "." + name + ": only in " + (a.has(name) ? "the first" : "the second") + " ("
              + (a.has(name) ? a.get(name) : b.get(name)) + ")");
        } else {
          diff(path + "." + name, a.get(name), b.get(name), out);
        }
      }
    } else if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        out.add(path + ": " + a.size() + " items vs " + b.size() + ": " + a + " vs " + b);
        return;
      }
      for (int i = 0; i < a.size(); i++) {
        diff(path + "[" + i + "]", a.get(i), b.get(i), out);
      }
    } else if (!a.equals(b)) {
      out.add(path + ": " + a + " vs " + b);
    }
  }
}
