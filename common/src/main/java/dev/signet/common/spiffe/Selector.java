package dev.signet.common.spiffe;

/**
 * A selector {@code type:value}, e.g. {@code unix:uid:1000} (type {@code unix}, value {@code uid:1000}).
 * The type is the attestor's plugin name; the value may itself contain colons.
 */
public record Selector(String type, String value) implements Comparable<Selector> {
  public Selector {
    if (type == null || type.isEmpty()) {
      throw new InvalidSpiffeIdException("selector type is missing");
    }
    if (type.indexOf(':') >= 0) {
      throw new InvalidSpiffeIdException("selector type \"" + type + "\" must not contain ':'");
    }
    if (value == null || value.isEmpty()) {
      throw new InvalidSpiffeIdException("selector \"" + type + "\" has no value");
    }
  }

  /** Parses {@code type:value}; the first colon separates the two. */
  public static Selector parse(String text) {
    if (text == null) {
      throw new InvalidSpiffeIdException("selector is missing");
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new InvalidSpiffeIdException("selector \"" + text + "\" must have the form type:value");
    }
    return new Selector(text.substring(0, colon), text.substring(colon + 1));
  }

  @Override
  public int compareTo(Selector other) {
    int byType = type.compareTo(other.type);
    return byType != 0 ? byType : value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return type + ":" + value;
  }
}
