package dev.signet.server.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicyException;
import dev.signet.server.policy.PolicyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code policy validate DIR} and {@code policy test DIR -cases FILE}: policy as code, checked offline. */
@Command(name = "policy", description = "Check access policies without a server",
    subcommands = {PolicyCommands.Validate.class, PolicyCommands.Test.class})
public final class PolicyCommands {
  private PolicyCommands() {}

  /** Loads every file of the directory as the server would; exit 1 naming the first problem. */
  @Command(name = "validate", description = "Check that a policy directory loads")
  public static final class Validate implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "The policy directory")
    Path dir;

    @Override
    public Integer call() {
      try {
        System.out.println("policies valid: " + PolicyFiles.load(dir).size() + " rules");
        return 0;
      } catch (PolicyException e) {
        System.err.println("Error: " + e.getMessage());
        return 1;
      }
    }
  }

  /** One expected decision. */
  record Case(@JsonProperty("name") String name, @JsonProperty("identity") String identity,
      @JsonProperty("resource") String resource, @JsonProperty("action") String action,
      @JsonProperty("context") Map<String, Object> context, @JsonProperty("expect") String expect,
      @JsonProperty("rule") String rule) {}

  record Cases(@JsonProperty("cases") List<Case> cases) {}

  /** Runs test cases ({@code cases: [{name, identity, resource, action, context, expect: allow|deny, rule}]}). */
  @Command(name = "test", description = "Run policy test cases; exit 1 when any decision differs")
  public static final class Test implements Callable<Integer> {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    @Parameters(paramLabel = "DIR", description = "The policy directory")
    Path dir;

    @Option(names = {"-cases", "--cases"}, required = true, description = "YAML or JSON file of test cases")
    Path casesFile;

    @Override
    public Integer call() {
      PolicyEngine engine;
      Cases cases;
      try {
        engine = new PolicyEngine(PolicyFiles.load(dir));
        cases = YAML.readValue(casesFile.toFile(), Cases.class);
      } catch (PolicyException e) {
        System.err.println("Error: " + e.getMessage());
        return 1;
      } catch (IOException e) {
        System.err.println("Error: cannot read test cases " + casesFile + ": " + e.getMessage());
        return 1;
      }
      int failed = 0;
      for (Case c : cases.cases() == null ? List.<Case>of() : cases.cases()) {
        PolicyEngine.Decision decision = engine.evaluate(SpiffeId.parse(c.identity()), c.resource(), c.action(),
            c.context() == null ? Map.of() : c.context(), Map.of());
        String got = decision.allowed() ? "allow" : "deny";
        boolean ok = got.equals(c.expect()) && (c.rule() == null || c.rule().equals(decision.rule()));
        System.out.println((ok ? "PASS " : "FAIL ") + c.name() + ": " + got
            + (decision.rule().isEmpty() ? "" : " by " + decision.policy() + "/" + decision.rule())
            + (ok ? "" : " (expected " + c.expect() + (c.rule() == null ? "" : " by " + c.rule()) + ")"));
        failed += ok ? 0 : 1;
      }
      System.out.println(failed == 0 ? "all cases pass" : failed + " case(s) failed");
      return failed == 0 ? 0 : 1;
    }
  }
}
