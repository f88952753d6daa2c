package dev.signet.gateway.authz;

/**
 * The answer to an {@link AccessRequest}: allowed or not, and why (the rule, or what failed).
 * {@code cacheable} is false for a denial that says nothing about the policy (the decision service could
 * not be reached or answered an error): such a denial is not remembered, so the next request asks again.
 */
public record AccessDecision(boolean allowed, String reason, boolean cacheable) {
  public AccessDecision {
    reason = reason == null ? "" : reason;
  }

  public AccessDecision(boolean allowed, String reason) {
    this(allowed, reason, true);
  }

  public static AccessDecision deny(String reason) {
    return new AccessDecision(false, reason);
  }

  /** A denial because no decision could be obtained: fail closed, and ask again next time. */
  public static AccessDecision unavailable(String reason) {
    return new AccessDecision(false, reason, false);
  }

  public String outcome() {
    return allowed ? "allow" : "deny";
  }
}
