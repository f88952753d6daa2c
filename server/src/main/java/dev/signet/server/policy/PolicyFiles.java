package dev.signet.server.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a policy directory: every {@code *.yaml}, {@code *.yml} and {@code *.json} file, in name order, each
 * {@code {policies: [{name, rules: [{id, effect, principals, resources, actions, condition}]}]}}. Unknown
 * fields, missing parts, duplicate rule ids and CEL errors are errors naming file, policy and rule; one bad
 * file fails the whole set (the caller keeps the last good one).
 */
public final class PolicyFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private PolicyFiles() {}

  record FileDoc(@JsonProperty("policies") List<PolicyDoc> policies) {}

  record PolicyDoc(@JsonProperty("name") String name, @JsonProperty("rules") List<RuleDoc> rules) {}

  record RuleDoc(@JsonProperty("id") String id, @JsonProperty("effect") String effect,
      @JsonProperty("principals") List<String> principals, @JsonProperty("resources") List<String> resources,
      @JsonProperty("actions") List<String> actions, @JsonProperty("condition") String condition) {}

  /** The files a directory holds, in the order they are read. */
  static List<Path> list(Path dir) throws PolicyException {
    if (!Files.isDirectory(dir)) {
      throw new PolicyException("policy directory " + dir + " does not exist");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")
          || f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new PolicyException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /** All rules of the directory. */
  public static List<PolicyRule> load(Path dir) throws PolicyException {
    List<PolicyRule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Path file : list(dir)) {
      FileDoc doc = parse(file);
      if (doc == null || doc.policies() == null || doc.policies().isEmpty()) {
        throw new PolicyException(file + ": no policies");
      }
      for (PolicyDoc policy : doc.policies()) {
        require(file, policy.name() != null && !policy.name().isBlank(), "a policy has no name");
        require(file, policy.rules() != null && !policy.rules().isEmpty(), "policy \"" + policy.name() + "\" has no rules");
        for (RuleDoc rule : policy.rules()) {
          PolicyRule compiled = rule(file, policy.name(), rule);
          if (!ids.add(compiled.policy() + "/" + compiled.id())) {
            throw new PolicyException(file + ": rule \"" + compiled.id() + "\" of policy \"" + policy.name()
                + "\" is defined twice");
          }
          rules.add(compiled);
        }
      }
    }
    return rules;
  }

  private static FileDoc parse(Path file) throws PolicyException {
    try {
      ObjectMapper mapper = file.toString().endsWith(".json") ? JSON : YAML;
      return mapper.readValue(file.toFile(), FileDoc.class);
    } catch (JsonProcessingException e) {
      throw new PolicyException(file + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new PolicyException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static PolicyRule rule(Path file, String policy, RuleDoc rule) throws PolicyException {
    String where = file + ": policy \"" + policy + "\" rule \"" + rule.id() + "\": ";
    require(file, rule.id() != null && !rule.id().isBlank(), "policy \"" + policy + "\" has a rule without an id");
    boolean deny;
    if ("allow".equals(rule.effect())) {
      deny = false;
    } else if ("deny".equals(rule.effect())) {
      deny = true;
    } else {
      throw new PolicyException(where + "effect must be allow or deny, not \"" + rule.effect() + "\"");
    }
    if (rule.principals() == null || rule.principals().isEmpty() || rule.resources() == null
        || rule.resources().isEmpty() || rule.actions() == null || rule.actions().isEmpty()) {
      throw new PolicyException(where + "principals, resources and actions are all required");
    }
    List<PrincipalMatcher> principals = new ArrayList<>();
    for (String principal : rule.principals()) {
      try {
        principals.add(PrincipalMatcher.parse(principal));
      } catch (PolicyException e) {
        throw new PolicyException(where + e.getMessage());
      }
    }
    Condition condition = null;
    if (rule.condition() != null && !rule.condition().isBlank()) {
      try {
        condition = Condition.compile(rule.condition());
      } catch (PolicyException e) {
        throw new PolicyException(where + e.getMessage());
      }
    }
    return new PolicyRule(policy, rule.id(), deny, List.copyOf(principals),
        rule.resources().stream().map(Glob::of).toList(), Set.copyOf(new LinkedHashSet<>(rule.actions())),
        condition, file.getFileName().toString());
  }

  private static void require(Path file, boolean condition, String message) throws PolicyException {
    if (!condition) {
      throw new PolicyException(file + ": " + message);
    }
  }
}
