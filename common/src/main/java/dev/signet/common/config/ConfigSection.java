package dev.signet.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed, read-tracking access to one block of a configuration document. Every getter records the key it
 * reads, so that after mapping a block the caller can ask for {@link #unknownKeys()} (which includes the
 * unknown keys of every sub-section obtained from this one) and report them: in Signet, as in DESIGN §5,
 * an unknown key is an error, not a typo to be ignored. Not thread-safe; use one per load.
 */
public final class ConfigSection {
  private final String path;
  private final Map<String, Object> values;
  private final Set<String> read = new HashSet<>();
  private final List<ConfigSection> children = new ArrayList<>();

  ConfigSection(String path, Map<String, Object> values) {
    this.path = path;
    this.values = values;
  }

  /** The whole document. */
  public static ConfigSection root(Map<String, Object> tree) {
    return new ConfigSection("", tree);
  }

  /** A section over {@code values} whose keys are reported under {@code path} (e.g. plugin data). */
  public static ConfigSection of(String path, Map<String, Object> values) {
    return new ConfigSection(path, Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  /** The dotted path of this section, e.g. {@code server.ca_subject}; empty for the root. */
  public String path() {
    return path;
  }

  public Set<String> keys() {
    return Collections.unmodifiableSet(values.keySet());
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /**
   * Marks {@code key} as read without interpreting it (a key accepted for compatibility whose value is
   * not used); returns whether it is present.
   */
  public boolean accept(String key) {
    return take(key) != null;
  }

  public Optional<String> getString(String key) {
    return Optional.ofNullable(take(key)).map(v -> ConfigValues.string(qualified(key), v));
  }

  public String getString(String key, String defaultValue) {
    return getString(key).orElse(defaultValue);
  }

  /** A string that must be present and non-empty. */
  public String requireString(String key) {
    return getString(key).filter(s -> !s.isEmpty())
        .orElseThrow(() -> new ConfigException(qualified(key) + ": is required"));
  }

  public int getInt(String key, int defaultValue) {
    Object value = take(key);
    return value == null ? defaultValue
        : (int) ConfigValues.integer(qualified(key), value, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  public long getLong(String key, long defaultValue) {
    Object value = take(key);
    return value == null ? defaultValue : ConfigValues.integer(qualified(key), value, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  public boolean getBool(String key, boolean defaultValue) {
    Object value = take(key);
    return value == null ? defaultValue : ConfigValues.bool(qualified(key), value);
  }

  /** A Go duration such as {@code "1h"}, {@code "30m"} or {@code "720h"}. */
  public Optional<Duration> getDuration(String key) {
    return Optional.ofNullable(take(key)).map(v -> ConfigValues.duration(qualified(key), v));
  }

  public Duration getDuration(String key, Duration defaultValue) {
    return getDuration(key).orElse(defaultValue);
  }

  /** A list of strings (numbers are accepted as their text); empty when absent. */
  public List<String> getList(String key) {
    Object value = take(key);
    return value == null ? List.of() : ConfigValues.strings(qualified(key), value);
  }

  /** A raw sub-tree, for values passed on opaquely; marks the whole sub-tree as read. */
  public Map<String, Object> getMap(String key) {
    Object value = take(key);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?>)) {
      throw ConfigValues.wrongType(qualified(key), "a block", value);
    }
    return tree(value);
  }

  /** The block {@code key}, or an empty section when absent; a block that appears twice is an error. */
  public ConfigSection section(String key) {
    List<ConfigSection> found = sections(key);
    if (found.size() > 1) {
      throw new ConfigException(qualified(key) + ": block appears " + found.size() + " times; expected once");
    }
    return found.isEmpty() ? new ConfigSection(qualified(key), Map.of()) : found.getFirst();
  }

  /** Every occurrence of block {@code key} (repeated blocks, or a list of objects); empty when absent. */
  public List<ConfigSection> sections(String key) {
    Object value = take(key);
    return switch (value) {
      case null -> List.of();
      case Map<?, ?> map -> List.of(child(qualified(key), map));
      case List<?> list when list.stream().allMatch(Map.class::isInstance) -> {
        List<ConfigSection> out = new ArrayList<>();
        list.forEach(m -> out.add(child(qualified(key) + "[" + out.size() + "]", (Map<?, ?>) m)));
        yield out;
      }
      default -> throw ConfigValues.wrongType(qualified(key), "a block", value);
    };
  }

  /** Labelled blocks such as {@code federates_with "domain1.test" {…}}, by label, in document order. */
  public Map<String, ConfigSection> labelledSections(String key) {
    Map<String, ConfigSection> out = new LinkedHashMap<>();
    for (ConfigSection holder : sections(key)) {
      for (String label : holder.values.keySet()) {
        String where = qualified(key) + " \"" + label + "\"";
        Object block = holder.take(label);
        if (block instanceof List<?> repeated) {
          throw new ConfigException(where + ": block appears " + repeated.size() + " times; expected once");
        }
        if (!(block instanceof Map<?, ?> map)) {
          throw ConfigValues.wrongType(where, "a block", block);
        }
        if (out.putIfAbsent(label, holder.child(where, map)) != null) {
          throw new ConfigException(where + ": block appears twice; expected once");
        }
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** The plugin declarations of the {@code plugins} block(s) in this section. */
  public List<PluginBlock> plugins() {
    return PluginBlocks.parse(sections("plugins"));
  }

  /** Keys present here or in sub-sections obtained from here that no getter has read, as dotted paths. */
  public List<String> unknownKeys() {
    List<String> unknown = new ArrayList<>();
    values.keySet().stream().filter(k -> !read.contains(k)).forEach(k -> unknown.add(qualified(k)));
    children.forEach(c -> unknown.addAll(c.unknownKeys()));
    return unknown;
  }

  /** Throws a {@link ConfigException} listing the unknown keys, if there are any. */
  public void requireNoUnknownKeys() {
    List<String> unknown = unknownKeys();
    if (!unknown.isEmpty()) {
      throw new ConfigException("unknown configuration " + (unknown.size() == 1 ? "key " : "keys ")
          + String.join(", ", unknown.stream().map(k -> "\"" + k + "\"").toList()));
    }
  }

  /** The raw values of this section. */
  public Map<String, Object> asMap() {
    return values;
  }

  String qualified(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private Object take(String key) {
    read.add(key);
    return values.get(key);
  }

  private ConfigSection child(String childPath, Map<?, ?> map) {
    ConfigSection child = new ConfigSection(childPath, tree(map));
    children.add(child);
    return child;
  }

  @SuppressWarnings("unchecked") // document trees only ever hold String keys
  private static Map<String, Object> tree(Object map) {
    return (Map<String, Object>) map;
  }

  @Override
  public String toString() {
    return "ConfigSection[" + (path.isEmpty() ? "<root>" : path) + ", keys=" + values.keySet() + "]";
  }
}
