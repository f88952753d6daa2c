package dev.signet.server.policy;

/** A policy file that cannot be used, naming the file, the rule and what is wrong. */
public final class PolicyException extends Exception {
  public PolicyException(String message) {
    super(message);
  }

  public PolicyException(String message, Throwable cause) {
    super(message, cause);
  }
}
