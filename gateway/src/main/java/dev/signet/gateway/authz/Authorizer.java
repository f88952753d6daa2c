package dev.signet.gateway.authz;

/**
 * Decides an {@link AccessRequest}. Called on a network thread: an implementation answers without
 * blocking on the network, and never throws for a decision it cannot make; it denies.
 */
@FunctionalInterface
public interface Authorizer {
  AccessDecision decide(AccessRequest request);
}
