package dev.signet.server.access;

import com.nimbusds.jwt.SignedJWT;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.JwtSvidClaims;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JWT-SVIDs already verified, so a caller that presents the same token again is not verified again (an
 * ECDSA verification costs more than the rest of a policy decision). An entry holds only while the token
 * has not expired and the key that verified it is still in its trust domain's bundle under the same key ID:
 * a revoked or removed JWT authority, or a federated bundle that dropped the key, ends it at once. Keyed
 * by the whole token, never by a digest of it; at most {@value #MAX_ENTRIES} entries.
 */
final class VerifiedTokens {
  static final int MAX_ENTRIES = 10_000;

  private record Verified(SpiffeId subject, Instant expiresAt, String keyId, PublicKey key) {}

  private final Map<String, Verified> verified = new ConcurrentHashMap<>();
  private final BundleSource bundles;

  VerifiedTokens(BundleSource bundles) {
    this.bundles = bundles;
  }

  /** The subject of {@code token} when it was verified before and still holds at {@code now}. */
  Optional<SpiffeId> lookup(String token, Instant now) {
    Verified entry = verified.get(token);
    if (entry == null) {
      return Optional.empty();
    }
    if (!now.isBefore(entry.expiresAt()) || !stillTrusted(entry)) {
      verified.remove(token);
      return Optional.empty();
    }
    return Optional.of(entry.subject());
  }

  /** Remembers a token that {@code JwtSvidValidator} has just accepted with {@code claims}. */
  void remember(String token, JwtSvidClaims claims) {
    String keyId;
    try {
      keyId = SignedJWT.parse(token).getHeader().getKeyID();
    } catch (ParseException e) {
      return; // it was just parsed successfully; never cache what cannot be re-read
    }
    Optional<PublicKey> key = bundles.bundleFor(claims.subject().trustDomain())
        .flatMap(bundle -> bundle.findJwtAuthority(keyId)).map(JwtAuthority::publicKey);
    if (key.isEmpty()) {
      return;
    }
    if (verified.size() >= MAX_ENTRIES) {
      verified.clear();
    }
    verified.put(token, new Verified(claims.subject(), claims.expiresAt(), keyId, key.get()));
  }

  private boolean stillTrusted(Verified entry) {
    return bundles.bundleFor(entry.subject().trustDomain())
        .flatMap(bundle -> bundle.findJwtAuthority(entry.keyId()))
        .map(authority -> authority.publicKey().equals(entry.key()))
        .orElse(false);
  }
}
