package dev.signet.common.svid;

import dev.signet.common.secret.Secret;
import dev.signet.common.spiffe.SpiffeId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A minted or fetched JWT-SVID: the compact token and what it was issued for. The token is a bearer
 * credential, held as a {@link Secret}: {@link #toString()} never prints it.
 *
 * @param issuedAt when it was issued; {@code null} when unknown
 */
public record JwtSvid(SpiffeId id, Secret token, List<String> audience, Instant expiresAt, Instant issuedAt) {
  public JwtSvid {
    Objects.requireNonNull(id, "jwt-svid id is missing");
    Objects.requireNonNull(expiresAt, "jwt-svid \"" + id + "\" has no expiry");
    audience = List.copyOf(audience);
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("jwt-svid \"" + id + "\" has no token");
    }
    if (audience.isEmpty()) {
      throw new IllegalArgumentException("jwt-svid \"" + id + "\" has no audience");
    }
  }

  /** A JWT-SVID whose compact token is given as text (as minted, or as read from the wire). */
  public JwtSvid(SpiffeId id, String token, List<String> audience, Instant expiresAt, Instant issuedAt) {
    this(id, Secret.ofNullable(token), audience, expiresAt, issuedAt);
  }

  @Override
  public String toString() {
    return "JwtSvid[id=" + id + ", audience=" + audience + ", expiresAt=" + expiresAt + "]";
  }
}
