package dev.signet.controller.template;

import tools.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The subset of Go's {@code text/template} that spire-controller-manager's templates use: literal text and actions
 * {@code {{ .Field.Path }}} and {@code {{ index .Field.Path "key" }}}, with the <code>{{-</code> and
 * <code>-}}</code> trim markers. Anything else (pipelines, functions, control structures) is refused when the template is parsed, so a
 * manifest that relies on more fails loudly instead of rendering something else.
 *
 * <p>Data is a JSON tree (see {@link TemplateData}); a Go field name matches the JSON key of the same name ignoring
 * case ({@code .PodMeta.UID} is {@code metadata.uid}, {@code .PodSpec.ServiceAccountName} is
 * {@code spec.serviceAccountName}), so the Kubernetes objects need no Go-shaped copy.
 */
public final class GoTemplate {
  private final String source;
  private final List<Part> parts;

  private GoTemplate(String source, List<Part> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
  }

  /** Parses a template; throws {@link TemplateException} quoting the template and the unsupported action. */
  public static GoTemplate parse(String source) {
    if (source == null) {
      throw new TemplateException("template is missing");
    }
    List<Part> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int at = 0;
    while (at < source.length()) {
      int open = source.indexOf("{{", at);
      if (open < 0) {
        text.append(source, at, source.length());
        break;
      }
      int close = source.indexOf("}}", open + 2);
      if (close < 0) {
        throw new TemplateException("template \"" + source + "\" has an unclosed action");
      }
      String action = source.substring(open + 2, close);
      text.append(source, at, open);
      boolean trimLeft = action.startsWith("- ") || action.equals("-");
      boolean trimRight = action.endsWith(" -") && action.length() > 1;
      if (trimLeft) {
        action = action.substring(1);
        stripTrailing(text);
      }
      if (trimRight) {
        action = action.substring(0, action.length() - 1);
      }
      if (!text.isEmpty()) {
        parts.add(new Text(text.toString()));
        text.setLength(0);
      }
      parts.add(Action.parse(source, action.strip()));
      at = close + 2;
      if (trimRight) {
        while (at < source.length() && Character.isWhitespace(source.charAt(at))) {
          at++;
        }
      }
    }
    if (!text.isEmpty()) {
      parts.add(new Text(text.toString()));
    }
    return new GoTemplate(source, parts);
  }

  /** Renders the template against {@code data}; throws {@link TemplateException} for a value that is not text. */
  public String render(JsonNode data) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      out.append(part.render(data, source));
    }
    return out.toString();
  }

  /** The template as written. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return source;
  }

  private static void stripTrailing(StringBuilder text) {
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    text.setLength(end);
  }

  private sealed interface Part permits Text, Action {
    String render(JsonNode data, String source);
  }

  private record Text(String text) implements Part {
    @Override
    public String render(JsonNode data, String source) {
      return text;
    }
  }

  /** {@code .A.B} (with {@code key} null) or {@code index .A.B "key"}. */
  private record Action(FieldPath path, String key) implements Part {
    static Action parse(String source, String action) {
      if (action.startsWith(".") && action.chars().noneMatch(Character::isWhitespace)) {
        return new Action(FieldPath.parse(source, action), null);
      }
      List<String> words = Words.split(source, action);
      if (words.size() == 3 && words.get(0).equals("index") && words.get(1).startsWith(".")
          && Words.isQuoted(words.get(2))) {
        return new Action(FieldPath.parse(source, words.get(1)), Words.unquote(words.get(2)));
      }
      throw new TemplateException("template \"" + source + "\": unsupported action \"{{" + action
          + "}}\" (supported: {{ .Field.Path }} and {{ index .Field.Path \"key\" }})");
    }

    @Override
    public String render(JsonNode data, String source) {
      JsonNode value = path.resolve(data, source);
      if (key != null) {
        if (value.isMissingNode() || value.isNull()) {
          return "";
        }
        if (!value.isObject()) {
          throw new TemplateException("template \"" + source + "\": index of " + path + " which is not a map");
        }
        value = value.path(key);
        // Go's index of a missing map key yields the zero value: an empty string for map[string]string.
        return value.isMissingNode() || value.isNull() ? "" : scalar(value, source);
      }
      return scalar(value, source);
    }

    private String scalar(JsonNode value, String source) {
      if (value.isMissingNode() || value.isNull()) {
        return "";
      }
      if (value.isContainer()) {
        throw new TemplateException("template \"" + source + "\": " + path + (key == null ? "" : "[" + key + "]")
            + " is not a single value");
      }
      return value.asString();
    }
  }
}
