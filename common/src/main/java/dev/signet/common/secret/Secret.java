package dev.signet.common.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A token, password or key given as text (a join token, a database password, an AWS secret key). It is
 * never printed: {@link #toString()} is {@code ****}, so a record holding one can be logged whole, and its
 * value is read only where it is used, through {@link #reveal()}. Two secrets are equal when their values
 * are, compared in constant time.
 */
public final class Secret {
  private static final String MASK = "****";
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps {@code value}, which must not be null. */
  public static Secret of(String value) {
    return new Secret(Objects.requireNonNull(value, "secret"));
  }

  /** Wraps {@code value}, or null when it is null (a secret that was not given). */
  public static Secret ofNullable(String value) {
    return value == null ? null : new Secret(value);
  }

  /** The value, for the one place that hands it on (a driver, an attestor, a wire message). */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
        secret.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** Always {@code ****}, whatever the value. */
  @Override
  public String toString() {
    return MASK;
  }
}
