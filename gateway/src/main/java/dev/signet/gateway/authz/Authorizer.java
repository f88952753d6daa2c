package dev.signet.gateway.authz;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Decides an {@link AccessRequest}. Called on a network thread: an implementation never blocks (a remote
 * decision completes later, on another thread), and never fails a decision it cannot make: it completes
 * with a denial.
 */
@FunctionalInterface
public interface Authorizer {
  CompletionStage<AccessDecision> decide(AccessRequest request);

  /** An authorizer whose rules answer at once, in the caller's thread. */
  static Authorizer immediate(Function<AccessRequest, AccessDecision> rules) {
    return request -> CompletableFuture.completedFuture(rules.apply(request));
  }
}
