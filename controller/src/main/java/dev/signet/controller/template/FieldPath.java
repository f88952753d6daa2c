package dev.signet.controller.template;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Go template field chain such as {@code .PodMeta.Labels.app}. Each Go field name is looked up as the JSON key of
 * the same name ignoring case; once inside a map (labels, annotations: JSON objects reached through a key named so),
 * the key must match exactly, as Go's map lookup does.
 */
record FieldPath(List<String> names) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
  private static final java.util.Set<String> MAP_FIELDS =
      java.util.Set.of("labels", "annotations", "nodeselector");

  FieldPath {
    names = List.copyOf(names);
  }

  static FieldPath parse(String source, String text) {
    if (!text.startsWith(".") || text.length() < 2) {
      throw new TemplateException("template \"" + source + "\": \"" + text + "\" is not a field path");
    }
    List<String> names = List.of(text.substring(1).split("\\.", -1));
    for (String name : names) {
      if (!NAME.matcher(name).matches()) {
        throw new TemplateException("template \"" + source + "\": \"" + text + "\" is not a field path");
      }
    }
    return new FieldPath(names);
  }

  JsonNode resolve(JsonNode root, String source) {
    JsonNode node = root;
    boolean inMap = false;
    for (String name : names) {
      if (node.isMissingNode() || node.isNull()) {
        return MissingNode.getInstance();
      }
      if (!node.isObject()) {
        throw new TemplateException("template \"" + source + "\": can't evaluate field " + name + " of " + this);
      }
      String key = inMap ? (node.has(name) ? name : null) : matchingKey(node, name);
      if (key == null) {
        // An absent struct field or map key is Go's zero value: rendered as nothing.
        return MissingNode.getInstance();
      }
      inMap = MAP_FIELDS.contains(key.toLowerCase(java.util.Locale.ROOT)) && !inMap;
      node = node.get(key);
    }
    return node;
  }

  private static String matchingKey(JsonNode object, String goName) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String key = field.getKey();
      if (key.equalsIgnoreCase(goName)) {
        return key;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "." + String.join(".", names);
  }
}
