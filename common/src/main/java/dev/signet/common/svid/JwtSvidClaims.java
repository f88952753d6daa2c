package dev.signet.common.svid;

import dev.signet.common.spiffe.SpiffeId;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a validated JWT-SVID says.
 *
 * @param claims every claim as JSON values (numeric dates are epoch seconds); may hold JSON nulls
 */
public record JwtSvidClaims(SpiffeId subject, List<String> audience, Instant expiresAt, Map<String, Object> claims) {
  public JwtSvidClaims {
    Objects.requireNonNull(subject, "jwt-svid subject is missing");
    Objects.requireNonNull(expiresAt, "jwt-svid expiry is missing");
    audience = List.copyOf(audience);
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
  }
}
