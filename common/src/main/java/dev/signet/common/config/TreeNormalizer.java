package dev.signet.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a JSON document into the document tree: unmodifiable maps and lists, integral numbers as {@code Long}, other numbers as {@code Double}; nulls dropped; anything else
 * (a parser's variable or function object) refused, naming its key.
 */
final class TreeNormalizer {
  private final String origin;

  private TreeNormalizer(String origin) {
    this.origin = origin;
  }

  static Map<String, Object> normalize(Map<?, ?> raw, String origin) {
    return new TreeNormalizer(origin).map(raw, "");
  }

  private Map<String, Object> map(Map<?, ?> raw, String path) {
    Map<String, Object> out = new LinkedHashMap<>();
    raw.forEach((k, v) -> {
      String key = String.valueOf(k);
      Object value = value(v, path.isEmpty() ? key : path + "." + key);
      if (value != null) {
        out.put(key, value);
      }
    });
    return Collections.unmodifiableMap(out);
  }

  private Object value(Object raw, String path) {
    return switch (raw) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Double d when d == Math.rint(d) && Math.abs(d) <= 9_007_199_254_740_992d -> d.longValue();
      case Integer i -> i.longValue();
      case Long l -> l;
      case Double d -> d;
      case Map<?, ?> m -> map(m, path);
      case List<?> list -> {
        List<Object> out = new ArrayList<>();
        for (Object element : list) {
          Object value = value(element, path + "[" + out.size() + "]");
          if (value != null) {
            out.add(value);
          }
        }
        yield Collections.unmodifiableList(out);
      }
      default -> throw new ConfigException(origin + ": key \"" + path + "\" has a value that is not a literal ("
          + raw + ")");
    };
  }
}
