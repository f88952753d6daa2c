package dev.signet.ca.manager;

import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A read-only view of one X.509 or JWT authority held by the CA manager.
 *
 * @param authorityId the hex SKI of an X.509 CA, or the kid of a JWT key
 */
public record AuthorityState(String authorityId, AuthorityStatus status, boolean tainted, Instant issuedAt,
    Instant notAfter, PublicKey publicKey) {
  public AuthorityState {
    Objects.requireNonNull(authorityId, "authority id is missing");
    Objects.requireNonNull(status, "authority \"" + authorityId + "\" has no status");
    Objects.requireNonNull(issuedAt, "authority \"" + authorityId + "\" has no issue time");
    Objects.requireNonNull(notAfter, "authority \"" + authorityId + "\" has no expiry");
    Objects.requireNonNull(publicKey, "authority \"" + authorityId + "\" has no public key");
  }
}
