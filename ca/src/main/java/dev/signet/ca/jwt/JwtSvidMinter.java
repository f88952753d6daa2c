package dev.signet.ca.jwt;

import dev.signet.ca.CaRandom;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.JwtSvid;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mints JWT-SVIDs as SPIRE does: header {@code alg}, {@code kid}, {@code typ: JWT}; claims {@code sub},
 * {@code aud} (always a JSON array), {@code exp} = min(now + ttl, key expiry), {@code iat} and, when
 * configured, {@code iss}. Empty audience values are dropped; no audience left is refused.
 */
public final class JwtSvidMinter {
  private JwtSvidMinter() {}

  /**
   * Signs a JWT-SVID for {@code id}.
   *
   * @param issuer the {@code iss} claim; {@code null} or empty leaves it out
   * @throws IllegalArgumentException for an empty audience, a non-positive TTL or an expired key
   */
  public static JwtSvid mint(JwtSigningAuthority authority, SpiffeId id, List<String> audience, Duration ttl,
      String issuer, Instant now) {
    return mint(authority, id, audience, ttl, issuer, now, false);
  }

  /**
   * Signs a JWT-SVID for {@code id}, with a {@code jti} claim (128 random bits, hex) when {@code withJti}: what
   * an entry's {@code jwt_svid_include_jti} asks for, so a relying party can refuse a replayed token.
   */
  public static JwtSvid mint(JwtSigningAuthority authority, SpiffeId id, List<String> audience, Duration ttl,
      String issuer, Instant now, boolean withJti) {
    List<String> aud = audience.stream().filter(a -> a != null && !a.isEmpty()).toList();
    if (aud.isEmpty()) {
      throw new IllegalArgumentException("jwt-svid audience for \"" + id + "\" is empty");
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("jwt-svid ttl " + ttl + " must be positive");
    }
    Instant expiresAt = now.plus(ttl);
    if (expiresAt.isAfter(authority.notAfter())) {
      expiresAt = authority.notAfter();
    }
    long exp = expiresAt.getEpochSecond();
    long iat = now.getEpochSecond();
    if (exp <= iat) {
      throw new IllegalArgumentException("jwt authority " + authority.keyId() + " expired at " + authority.notAfter());
    }
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", aud);
    claims.put("exp", exp);
    claims.put("iat", iat);
    if (issuer != null && !issuer.isEmpty()) {
      claims.put("iss", issuer);
    }
    claims.put("sub", id.toString());
    if (withJti) {
      claims.put("jti", CaRandom.tokenId());
    }
    JWSObject jws = new JWSObject(authority.header(), new Payload(claims));
    try {
      jws.sign(authority.signer());
    } catch (JOSEException e) {
      throw new IllegalStateException("jwt-svid for \"" + id + "\" cannot be signed: " + e.getMessage(), e);
    }
    return new JwtSvid(id, jws.serialize(), aud, Instant.ofEpochSecond(exp), Instant.ofEpochSecond(iat));
  }
}
