package dev.signet.common.config;

import dev.signet.common.config.hcl.HclNode;
import dev.signet.common.config.hcl.HclNode.HclItem;
import dev.signet.common.config.hcl.HclNode.HclKey;
import dev.signet.common.config.hcl.HclNode.HclList;
import dev.signet.common.config.hcl.HclNode.HclLiteral;
import dev.signet.common.config.hcl.HclNode.HclObject;
import dev.signet.common.config.hcl.HclSyntaxException;
import dev.signet.common.config.hcl.HclToken;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an HCL syntax tree into the document tree {@link ConfigSection} reads. A block's labels nest
 * ({@code NodeAttestor "join_token" {…}} becomes {@code NodeAttestor → join_token → {…}}, and a second label of
 * the same type joins the same map); {@code key = { … }} reads like a block; the same block twice becomes a list
 * of maps. Stricter than SPIRE, which lets the last of two values win silently: a key set twice, or used both as
 * a value and as a block, is refused with both places.
 */
final class HclTree {
  private final String text;
  private final String origin;

  private HclTree(String text, String origin) {
    this.text = text;
    this.origin = origin;
  }

  static Map<String, Object> build(HclObject document, String text, String origin) {
    return frozen(new HclTree(text.replace("\r\n", "\n"), origin).object(document));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> frozen(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, frozenValue(v)));
    return Collections.unmodifiableMap(out);
  }

  @SuppressWarnings("unchecked")
  private static Object frozenValue(Object value) {
    return switch (value) {
      case Map<?, ?> map -> frozen((Map<String, Object>) map);
      case List<?> list -> list.stream().map(HclTree::frozenValue).toList();
      default -> value;
    };
  }

  private Map<String, Object> object(HclObject object) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, HclKey> attributes = new HashMap<>();
    Map<String, HclKey> blocks = new HashMap<>();
    for (HclItem item : object.items()) {
      HclKey key = item.keys().getFirst();
      boolean attribute = item.keys().size() == 1 && !(item.value() instanceof HclObject);
      HclKey earlier = attributes.containsKey(key.name()) ? attributes.get(key.name()) : blocks.get(key.name());
      if (earlier != null && (attribute || attributes.containsKey(key.name()))) {
        throw conflict(key, earlier, attribute == attributes.containsKey(key.name()));
      }
      if (attribute) {
        attributes.put(key.name(), key);
        out.put(key.name(), value(item.value()));
      } else {
        blocks.putIfAbsent(key.name(), key);
        addBlock(out, item.keys(), object((HclObject) item.value()));
      }
    }
    return out;
  }

  /** Files {@code body} under its key and labels; a second body at the same place makes a list. */
  private void addBlock(Map<String, Object> out, List<HclKey> keys, Map<String, Object> body) {
    Map<String, Object> container = out;
    for (int i = 0; i < keys.size() - 1; i++) {
      Object next = container.get(keys.get(i).name());
      Map<String, Object> labels;
      if (next == null) {
        labels = new LinkedHashMap<>();
      } else if (next instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> existing = (Map<String, Object>) map;
        labels = existing;
      } else {
        throw error(keys.get(i + 1).token(), "block " + keys.get(i).name() + " \"" + keys.get(i + 1).name()
            + "\" cannot join the earlier unlabelled blocks " + keys.get(i).name());
      }
      container.put(keys.get(i).name(), labels);
      container = labels;
    }
    String last = keys.getLast().name();
    Object existing = container.get(last);
    if (existing == null) {
      container.put(last, body);
    } else {
      List<Object> repeated = new ArrayList<>(existing instanceof List<?> list ? list : List.of(existing));
      repeated.add(body);
      container.put(last, repeated);
    }
  }

  private Object value(HclNode node) {
    return switch (node) {
      case HclLiteral literal -> literal.value();
      case HclObject object -> object(object);
      case HclList list -> {
        List<Object> out = new ArrayList<>();
        list.elements().forEach(element -> out.add(value(element)));
        yield out;
      }
    };
  }

  private ConfigException conflict(HclKey key, HclKey earlier, boolean sameKind) {
    int earlierLine = HclSyntaxException.lineOf(text, earlier.token().offset());
    return error(key.token(), sameKind
        ? "key \"" + key.name() + "\" is set twice (first on line " + earlierLine + ")"
        : "key \"" + key.name() + "\" is used both as a value and as a block (first on line " + earlierLine + ")");
  }

  private ConfigException error(HclToken at, String message) {
    HclSyntaxException located = HclSyntaxException.at(text, at.offset(), message);
    return HclDocument.syntaxError(origin, located);
  }
}
