package dev.signet.ca.manager;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.bundle.X509Authority;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds what an upstream server of the same trust domain trusts to our own bundle. Authorities are only ever
 * added (or their taint taken over), never removed here: a root the upstream drops may still anchor SVIDs we
 * issued. Expired ones are dropped by the server's bundle pruning ({@code BundlePruner}), a day after they expire.
 * An authority already present unchanged is skipped, so re-reading an unchanged upstream bundle does not move our
 * sequence number.
 */
final class UpstreamBundles {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamBundles.class);

  private UpstreamBundles() {}

  /** {@code own} with the upstream bundle's X.509 and JWT authorities. */
  static Bundle merge(Bundle own, Bundle upstream) {
    Bundle next = own;
    for (X509Authority root : upstream.x509Authorities()) {
      if (!next.findX509Authority(root.certificate()).map(root::equals).orElse(false)) {
        next = next.withX509Authority(root);
      }
    }
    return withJwtAuthorities(next, upstream.jwtAuthorities());
  }

  /**
   * {@code own} with {@code keys}. Security: a key whose ID we already hold for a different public key is not
   * taken (a token must never verify under two keys); it is logged and skipped.
   */
  static Bundle withJwtAuthorities(Bundle own, List<JwtAuthority> keys) {
    Bundle next = own;
    for (JwtAuthority key : keys) {
      if (next.findJwtAuthority(key.keyId()).map(key::equals).orElse(false)) {
        continue;
      }
      try {
        next = next.withJwtAuthority(key);
      } catch (IllegalArgumentException e) {
        LOG.warn("upstream jwt authority \"{}\" not taken: {}", key.keyId(), e.getMessage());
      }
    }
    return next;
  }
}
