package dev.signet.attestors.node;

import dev.signet.common.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SPIRE's {@code agent_path_template}: a path with Go-template references such as
 * {@code {{ .PluginName }}/{{ .Fingerprint }}}. Only plain field references are supported (no pipelines,
 * functions or conditionals); a template naming a field the attestor does not offer is a config error, and
 * a rendered path that is not a valid SPIFFE ID path is refused at attestation time by the ID parser.
 */
public final class AgentPathTemplate {
  private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*\\.([A-Za-z][A-Za-z0-9]*(?:\\.[A-Za-z][A-Za-z0-9]*)*)\\s*}}");

  private final String template;
  private final List<String> fields;

  private AgentPathTemplate(String template, List<String> fields) {
    this.template = template;
    this.fields = fields;
  }

  /**
   * Parses {@code template}, allowing only references to {@code offered} fields.
   *
   * @throws ConfigException naming the template and the unknown or unsupported part
   */
  public static AgentPathTemplate parse(String template, Set<String> offered) {
    List<String> fields = new ArrayList<>();
    Matcher reference = REFERENCE.matcher(template);
    StringBuilder rest = new StringBuilder();
    int last = 0;
    while (reference.find()) {
      rest.append(template, last, reference.start());
      last = reference.end();
      if (!offered.contains(reference.group(1))) {
        throw new ConfigException("agent_path_template \"" + template
            + "\" refers to ." + reference.group(1) + "; available: " + offered.stream().sorted().toList());
      }
      fields.add(reference.group(1));
    }
    rest.append(template.substring(last));
    if (rest.indexOf("{{") >= 0 || rest.indexOf("}}") >= 0) {
      throw new ConfigException("agent_path_template \"" + template
          + "\" uses template features signet does not support (only {{ .Field }} references)");
    }
    return new AgentPathTemplate(template, List.copyOf(fields));
  }

  /** The path with every reference replaced; a leading '/' is added when missing. */
  public String render(Map<String, String> values) {
    Matcher reference = REFERENCE.matcher(template);
    StringBuilder path = new StringBuilder();
    while (reference.find()) {
      reference.appendReplacement(path, Matcher.quoteReplacement(values.getOrDefault(reference.group(1), "")));
    }
    reference.appendTail(path);
    return path.charAt(0) == '/' ? path.toString() : "/" + path;
  }

  public List<String> fields() {
    return fields;
  }
}
