package dev.signet.gateway.authz;

/** The answer to an {@link AccessRequest}: allowed or not, and why (the rule, or what failed). */
public record AccessDecision(boolean allowed, String reason) {
  public AccessDecision {
    reason = reason == null ? "" : reason;
  }

  public static AccessDecision deny(String reason) {
    return new AccessDecision(false, reason);
  }

  public String outcome() {
    return allowed ? "allow" : "deny";
  }
}
