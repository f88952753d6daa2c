package dev.signet.ca.manager;

import dev.signet.ca.SigningAuthority;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One of the two key slots (A, B) of an authority kind, holding an authority and its status. Thresholds
 * follow SPIRE: prepare the successor at notAfter − min(lifetime/2, 30 d), activate it at
 * notAfter − min(lifetime/6, 7 d), lifetime = notAfter − issuedAt.
 */
record Slot<T extends SigningAuthority>(String slotId, AuthorityStatus status, boolean tainted, Instant issuedAt,
    T authority) {
  static final Duration PREPARATION_CAP = Duration.ofDays(30);
  static final Duration ACTIVATION_CAP = Duration.ofDays(7);

  Slot {
    Objects.requireNonNull(slotId);
    Objects.requireNonNull(status);
    Objects.requireNonNull(issuedAt);
    Objects.requireNonNull(authority);
  }

  Slot<T> withStatus(AuthorityStatus next) {
    return new Slot<>(slotId, next, tainted, issuedAt, authority);
  }

  Slot<T> withTaint() {
    return new Slot<>(slotId, status, true, issuedAt, authority);
  }

  String authorityId() {
    return authority.authorityId();
  }

  Instant notAfter() {
    return authority.notAfter();
  }

  Instant preparationThreshold() {
    return notAfter().minus(min(lifetime().dividedBy(2), PREPARATION_CAP));
  }

  Instant activationThreshold() {
    return notAfter().minus(min(lifetime().dividedBy(6), ACTIVATION_CAP));
  }

  AuthorityState state() {
    return new AuthorityState(authorityId(), status, tainted, issuedAt, notAfter(), authority.publicKey());
  }

  private Duration lifetime() {
    return Duration.between(issuedAt, notAfter());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
