package dev.signet.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.cli.ServerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy files, principal forms, deny-wins, default deny, CEL conditions, and every way a file is refused. */
class PolicyEngineTest {
  private static final SpiffeId BILLING = SpiffeId.parse("spiffe://example.org/billing/api");
  private static final SpiffeId OPS = SpiffeId.parse("spiffe://example.org/ops/alice");
  private static final SpiffeId FOREIGN = SpiffeId.parse("spiffe://partner.org/billing/api");

  @TempDir Path dir;

  private PolicyEngine load(String yaml) throws Exception {
    Files.writeString(dir.resolve("policies.yaml"), yaml);
    return new PolicyEngine(PolicyFiles.load(dir));
  }

  private static final String POLICIES = """
      policies:
        - name: payments
          rules:
            - id: billing-reads
              effect: allow
              principals: ["spiffe://example.org/billing/*"]
              resources: ["payments/*"]
              actions: [read, list]
            - id: ops-business-hours
              effect: allow
              principals: ["prefix:spiffe://example.org/ops/"]
              resources: ["payments/*"]
              actions: ["*"]
              condition: 'context.hour >= 8 && context.hour < 18'
            - id: no-exports
              effect: deny
              principals: ["td:example.org"]
              resources: ["payments/exports/*"]
              actions: ["*"]
      """;

  @Test
  void allowsNameTheirRuleAndTheDefaultIsDeny() throws Exception {
    PolicyEngine engine = load(POLICIES);
    PolicyEngine.Decision read = engine.evaluate(BILLING, "payments/invoices/7", "read", Map.of(), Map.of());
    assertThat(read.allowed()).isTrue();
    assertThat(read.rule()).isEqualTo("billing-reads");
    assertThat(engine.evaluate(BILLING, "payments/invoices/7", "delete", Map.of(), Map.of()).allowed()).isFalse();
    assertThat(engine.evaluate(FOREIGN, "payments/invoices/7", "read", Map.of(), Map.of()).allowed()).isFalse();
    PolicyEngine.Decision none = engine.evaluate(BILLING, "hr/salaries", "read", Map.of(), Map.of());
    assertThat(none.allowed()).isFalse();
    assertThat(none.reasons()).anyMatch(r -> r.contains("deny by default"));
  }

  @Test
  void anExplicitDenyWinsOverAnyAllow() throws Exception {
    PolicyEngine.Decision export = load(POLICIES).evaluate(BILLING, "payments/exports/all", "read", Map.of(), Map.of());
    assertThat(export.allowed()).isFalse();
    assertThat(export.rule()).isEqualTo("no-exports");
  }

  @Test
  void celConditionsDecideAndAFailingConditionNeverOpensAccess() throws Exception {
    PolicyEngine engine = load(POLICIES);
    assertThat(engine.evaluate(OPS, "payments/invoices/7", "refund", Map.of("hour", 10L), Map.of()).allowed()).isTrue();
    assertThat(engine.evaluate(OPS, "payments/invoices/7", "refund", Map.of("hour", 22L), Map.of()).allowed()).isFalse();
    PolicyEngine.Decision missing = engine.evaluate(OPS, "payments/invoices/7", "refund", Map.of(), Map.of());
    assertThat(missing.allowed()).as("no context.hour: the allow rule's condition fails").isFalse();
    assertThat(missing.reasons()).anyMatch(r -> r.contains("ops-business-hours") && r.contains("failed"));
  }

  @Test
  void brokenFilesAreRefusedNamingFileAndRule() {
    String[][] broken = {
        {"effect: maybe", "effect must be allow or deny"},
        {"condition: 'context.hour >'", "does not compile"},
        {"condition: 'context.hour + 1'", "does not compile"},
        {"principals: [\"spiffe://Example.org/x\"]", "not a SPIFFE ID"},
        {"typo: 1", "typo"},
    };
    for (String[] change : broken) {
      String yaml = """
          policies:
            - name: p
              rules:
                - id: r1
                  effect: allow
                  principals: ["*"]
                  resources: ["*"]
                  actions: ["*"]
                  %s
          """.formatted(change[0]);
      String key = change[0].substring(0, change[0].indexOf(':'));
      String adjusted = yaml.contains("  " + key + ": ") && !key.equals("condition") && !key.equals("typo")
          ? yaml.replaceFirst("(?m)^\\s+" + key + ": .*\\n(?=(.|\\n)*" + java.util.regex.Pattern.quote(change[0]) + ")", "")
          : yaml;
      assertThatThrownBy(() -> load(adjusted)).as(change[0]).isInstanceOf(PolicyException.class)
          .hasMessageContaining(change[1]).hasMessageContaining("policies.yaml");
    }
  }

  @Test
  void duplicateRuleIdsAndEmptyFilesAreRefused() throws Exception {
    assertThatThrownBy(() -> load("policies: []\n")).isInstanceOf(PolicyException.class).hasMessageContaining("no policies");
    String twice = """
        policies:
          - name: p
            rules:
              - {id: r, effect: allow, principals: ["*"], resources: ["*"], actions: ["*"]}
              - {id: r, effect: deny, principals: ["*"], resources: ["*"], actions: ["*"]}
        """;
    assertThatThrownBy(() -> load(twice)).isInstanceOf(PolicyException.class).hasMessageContaining("defined twice");
  }

  @Test
  void policyValidateAndPolicyTestCommandsExitByTheOutcome() throws Exception {
    Files.writeString(dir.resolve("policies.yaml"), POLICIES);
    Path cases = dir.resolve("cases.yml.txt");
    Files.writeString(cases, """
        cases:
          - {name: billing reads, identity: "spiffe://example.org/billing/api", resource: payments/a, action: read, expect: allow, rule: billing-reads}
          - {name: exports denied, identity: "spiffe://example.org/billing/api", resource: payments/exports/x, action: read, expect: deny}
        """);
    assertThat(ServerMain.commandLine().execute("policy", "validate", dir.toString())).isZero();
    assertThat(ServerMain.commandLine().execute("policy", "test", dir.toString(), "-cases", cases.toString())).isZero();
    Files.writeString(cases, """
        cases:
          - {name: wrong expectation, identity: "spiffe://example.org/billing/api", resource: payments/a, action: delete, expect: allow}
        """);
    assertThat(ServerMain.commandLine().execute("policy", "test", dir.toString(), "-cases", cases.toString())).isEqualTo(1);
    Files.writeString(dir.resolve("broken.yaml"), "policies: [{name: x, rules: [{id: r, effect: perhaps}]}]\n");
    assertThat(ServerMain.commandLine().execute("policy", "validate", dir.toString())).isEqualTo(1);
  }

  @Test
  void aBrokenReloadKeepsTheLastGoodSet() throws Exception {
    Files.writeString(dir.resolve("policies.yaml"), POLICIES);
    try (PolicyStore store = PolicyStore.watch(dir, 60_000)) {
      assertThat(store.engine().size()).isEqualTo(3);
      Files.writeString(dir.resolve("policies.yaml"), POLICIES + "        - broken: [");
      store.reloadIfChanged();
      assertThat(store.engine().size()).as("last good set still in force").isEqualTo(3);
      assertThat(store.lastError()).contains("policies.yaml");
      Files.writeString(dir.resolve("policies.yaml"), POLICIES.replace("actions: [read, list]", "actions: [read]"));
      store.reloadIfChanged();
      assertThat(store.lastError()).isEmpty();
      assertThat(store.engine().evaluate(BILLING, "payments/x", "list", Map.of(), Map.of()).allowed()).isFalse();
    }
  }
}
