package dev.signet.common.bundle;

import java.security.PublicKey;
import java.time.Instant;
import java.util.Objects;

/**
 * A public key, named by its key ID, that is authoritative for JWT-SVIDs of a trust domain.
 *
 * @param keyId the JWS {@code kid}; never empty
 * @param publicKey the verification key (EC or RSA)
 * @param expiresAt when the key stops being published; {@code null} when it does not expire
 * @param tainted whether the key is being rotated away from (it is still trusted)
 */
public record JwtAuthority(String keyId, PublicKey publicKey, Instant expiresAt, boolean tainted) {
  public JwtAuthority {
    if (keyId == null || keyId.isEmpty()) {
      throw new IllegalArgumentException("jwt authority key id is missing");
    }
    Objects.requireNonNull(publicKey, "jwt authority \"" + keyId + "\" has no public key");
  }

  /** An untainted authority without expiry. */
  public static JwtAuthority of(String keyId, PublicKey publicKey) {
    return new JwtAuthority(keyId, publicKey, null, false);
  }

  /** True when the key has an expiry at or before {@code now}. */
  public boolean isExpired(Instant now) {
    return expiresAt != null && !expiresAt.isAfter(now);
  }

  /** This authority, marked tainted. */
  public JwtAuthority taint() {
    return tainted ? this : new JwtAuthority(keyId, publicKey, expiresAt, true);
  }

  @Override
  public String toString() {
    return "JwtAuthority[kid=" + keyId + ", alg=" + publicKey.getAlgorithm()
        + (expiresAt == null ? "" : ", expiresAt=" + expiresAt) + (tainted ? ", tainted" : "") + "]";
  }
}
