package dev.signet.common.testing;

import dev.signet.common.config.HclDocument;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Finds out which configuration keys a loader asks for: {@link #wrap} gives a document whose blocks record every
 * key looked up in them (present or not), as dotted paths such as {@code server.ca_subject.country}. A loader
 * run on the wrapped document thereby lists the keys it accepts, with no list kept by hand beside it.
 */
public final class KeyRecorder {
  private final Set<String> asked = new TreeSet<>();
  private final Set<String> absent = new TreeSet<>();

  /** The keys asked for so far. */
  public Set<String> asked() {
    return Set.copyOf(asked);
  }

  /** The keys asked for that the document does not set: what a loader would accept beyond what it was given. */
  public Set<String> absent() {
    return Set.copyOf(absent);
  }

  /**
   * The absent keys (outside {@code plugins}, whose plugin_data the plugin pages cover) that {@code text} does not
   * show commented out (a line starting with a hash, then the key, an optional quoted label, then an equals sign or
   * an opening brace): an empty list when a
   * documentation config names every key the loader looked for.
   */
  public List<String> notShownIn(String text) {
    return absent.stream().filter(key -> !key.startsWith("plugins."))
        .map(key -> key.substring(key.lastIndexOf('.') + 1))
        .filter(key -> !Pattern.compile("(?m)^\\s*#\\s*" + Pattern.quote(key) + "\\s*(\"[^\"]*\"\\s*)?(=|\\{)")
            .matcher(text).find())
        .distinct().toList();
  }

  /** {@code document} with every block (and every block inside a list) recording its lookups. */
  public HclDocument wrap(HclDocument document) {
    Map<String, Object> root = new LinkedHashMap<>();
    document.tree().forEach((key, value) -> root.put(key, wrapValue(key, value)));
    return new HclDocument(document.origin(), root);
  }

  private Object wrapValue(String path, Object value) {
    if (value instanceof Map<?, ?> map) {
      return new Recording(path, map);
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(item -> out.add(wrapValue(path, item)));
      return out;
    }
    return value;
  }

  private final class Recording extends AbstractMap<String, Object> {
    private final String path;
    private final Map<String, Object> values = new LinkedHashMap<>();

    Recording(String path, Map<?, ?> source) {
      this.path = path;
      source.forEach((key, value) -> values.put((String) key, wrapValue(path + "." + key, value)));
    }

    @Override
    public Object get(Object key) {
      record(key);
      return values.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      record(key);
      return values.containsKey(key);
    }

    private void record(Object key) {
      asked.add(path + "." + key);
      if (!values.containsKey(key)) {
        absent.add(path + "." + key);
      }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return values.entrySet();
    }
  }
}
