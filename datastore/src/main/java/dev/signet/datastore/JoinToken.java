package dev.signet.datastore;

import dev.signet.common.secret.Secret;
import java.time.Instant;
import java.util.Objects;

/**
 * A single-use join token and its expiry. The token is a secret ({@link Secret}): {@link #toString()} never
 * prints it; the store keeps only its hash.
 */
public record JoinToken(Secret token, Instant expiresAt) {
  /** Longest token accepted; the token becomes part of the agent's SPIFFE ID. */
  public static final int MAX_LENGTH = 255;

  public JoinToken {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("join token is empty");
    }
    if (token.reveal().length() > MAX_LENGTH) {
      throw new IllegalArgumentException("join token is longer than " + MAX_LENGTH + " characters");
    }
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** A token given as text (the API's and the CLI's, a test's). */
  public JoinToken(String token, Instant expiresAt) {
    this(Secret.ofNullable(token), expiresAt);
  }

  /** True when the token can no longer be used at {@code now}. */
  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
