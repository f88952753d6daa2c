package dev.signet.server.policy;

import dev.signet.common.spiffe.SpiffeId;
import java.util.List;
import java.util.Set;

/** One rule: who, on what, may (or may not) do what, and when. */
record PolicyRule(String policy, String id, boolean deny, List<PrincipalMatcher> principals, List<Glob> resources,
    Set<String> actions, Condition condition, String source) {
  static final String ANY_ACTION = "*";

  boolean appliesTo(SpiffeId identity, String resource, String action) {
    return (actions.contains(ANY_ACTION) || actions.contains(action))
        && principals.stream().anyMatch(p -> p.matches(identity))
        && resources.stream().anyMatch(r -> r.matches(resource));
  }
}
