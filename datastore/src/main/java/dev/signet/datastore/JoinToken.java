package dev.signet.datastore;

import java.time.Instant;
import java.util.Objects;

/**
 * A single-use join token and its expiry. The token is a secret: {@link #toString()} never prints it.
 */
public record JoinToken(String token, Instant expiresAt) {
  /** Longest token accepted; the token becomes part of the agent's SPIFFE ID. */
  public static final int MAX_LENGTH = 255;

  public JoinToken {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("join token is empty");
    }
    if (token.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("join token is longer than " + MAX_LENGTH + " characters");
    }
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** True when the token can no longer be used at {@code now}. */
  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "JoinToken[token=<redacted>, expiresAt=" + expiresAt + "]";
  }
}
