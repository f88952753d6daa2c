package dev.signet.attestors.node.jointoken;

import java.time.Instant;
import java.util.Optional;

/** The seam between the join-token attestor and storage: tokens are consumed atomically, exactly once. */
@FunctionalInterface
public interface JoinTokenStore {
  /**
   * Removes the token and returns its expiry, or empty when no such token exists (never used, already
   * consumed, or pruned). Two concurrent calls with one token: exactly one sees a value.
   */
  Optional<Instant> consume(String token);
}
