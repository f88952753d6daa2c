package dev.signet.server.policy;

import dev.cel.runtime.CelEvaluationException;
import dev.signet.common.spiffe.SpiffeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides "may {@code identity} do {@code action} on {@code resource}, now?". Deny by default; a matching
 * deny rule wins over any allow; a decision names the rule that made it. Rules are indexed by action, so a
 * decision looks only at the rules for that action and those for any action. A condition that cannot be
 * evaluated counts as false for an allow rule and as true for a deny rule: errors never open access.
 */
public final class PolicyEngine {
  /** What a decision says and why. */
  public record Decision(boolean allowed, String policy, String rule, List<String> reasons) {}

  private final Map<String, List<PolicyRule>> byAction;
  private final List<PolicyRule> anyAction;
  private final int size;

  public PolicyEngine(List<PolicyRule> rules) {
    Map<String, List<PolicyRule>> index = new HashMap<>();
    List<PolicyRule> wildcard = new ArrayList<>();
    for (PolicyRule rule : rules) {
      if (rule.actions().contains(PolicyRule.ANY_ACTION)) {
        wildcard.add(rule);
      } else {
        rule.actions().forEach(action -> index.computeIfAbsent(action, a -> new ArrayList<>()).add(rule));
      }
    }
    index.replaceAll((action, list) -> List.copyOf(list));
    this.byAction = Map.copyOf(index);
    this.anyAction = List.copyOf(wildcard);
    this.size = rules.size();
  }

  public static PolicyEngine empty() {
    return new PolicyEngine(List.of());
  }

  public int size() {
    return size;
  }

  public Decision evaluate(SpiffeId identity, String resource, String action, Map<String, Object> context,
      Map<String, Object> trust) {
    Map<String, Object> variables = Map.of("identity", identity.toString(), "resource", resource, "action", action,
        "context", context, "trust", trust);
    List<String> reasons = new ArrayList<>();
    PolicyRule allow = null;
    for (List<PolicyRule> candidates : List.of(byAction.getOrDefault(action, List.of()), anyAction)) {
      for (PolicyRule rule : candidates) {
        if (!rule.appliesTo(identity, resource, action) || !conditionHolds(rule, variables, reasons)) {
          continue;
        }
        if (rule.deny()) {
          reasons.add("denied by " + rule.policy() + "/" + rule.id());
          return new Decision(false, rule.policy(), rule.id(), List.copyOf(reasons));
        }
        if (allow == null) {
          allow = rule;
        }
      }
    }
    if (allow == null) {
      reasons.add("no rule allows " + action + " on " + resource + " for " + identity + " (deny by default)");
      return new Decision(false, "", "", List.copyOf(reasons));
    }
    reasons.add("allowed by " + allow.policy() + "/" + allow.id());
    return new Decision(true, allow.policy(), allow.id(), List.copyOf(reasons));
  }

  private static boolean conditionHolds(PolicyRule rule, Map<String, Object> variables, List<String> reasons) {
    if (rule.condition() == null) {
      return true;
    }
    try {
      return rule.condition().test(variables);
    } catch (CelEvaluationException | RuntimeException e) {
      reasons.add("condition of " + rule.policy() + "/" + rule.id() + " failed (" + e.getMessage() + "); counted as "
          + (rule.deny() ? "true for this deny rule" : "false for this allow rule"));
      return rule.deny();
    }
  }
}
