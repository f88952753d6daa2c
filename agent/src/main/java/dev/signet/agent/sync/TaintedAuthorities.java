package dev.signet.agent.sync;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.bundle.X509Authority;
import dev.signet.common.svid.X509Svid;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The authorities of the agent's trust domain bundle that the server marked tainted: still trusted, but
 * being rotated away from because they may be compromised. The agent re-issues at once every X509-SVID
 * whose chain a tainted X.509 authority signed, and drops cached JWT-SVIDs whose {@code kid} is a tainted
 * JWT key, as SPIRE's agent does, so a CA can be revoked without waiting for SVIDs to reach half life.
 *
 * <p>An SVID counts as signed by a tainted authority when a certificate of its chain is that authority's
 * certificate or carries a signature that verifies under the authority's public key (the issuer name is
 * compared first, so only plausible issuers are verified). Results are remembered per SVID for as long as
 * the tainted set stays the same, so a long-lived taint costs one verification per SVID, not one per sync.
 */
final class TaintedAuthorities {
  static final TaintedAuthorities NONE = new TaintedAuthorities(List.of(), Set.of());

  private final List<X509Certificate> x509;
  private final Set<String> jwtKeyIds;
  private final Map<X509Svid, Boolean> verdicts = new IdentityHashMap<>();

  private TaintedAuthorities(List<X509Certificate> x509, Set<String> jwtKeyIds) {
    this.x509 = x509;
    this.jwtKeyIds = jwtKeyIds;
  }

  /** The tainted authorities of {@code bundle}; {@code previous} (with its remembered results) when unchanged. */
  static TaintedAuthorities of(Bundle bundle, TaintedAuthorities previous) {
    List<X509Certificate> x509 = bundle.x509Authorities().stream().filter(X509Authority::tainted)
        .map(X509Authority::certificate).toList();
    Set<String> jwt = bundle.jwtAuthorities().stream().filter(JwtAuthority::tainted).map(JwtAuthority::keyId)
        .collect(Collectors.toUnmodifiableSet());
    if (x509.equals(previous.x509) && jwt.equals(previous.jwtKeyIds)) {
      return previous;
    }
    return x509.isEmpty() && jwt.isEmpty() ? NONE : new TaintedAuthorities(x509, jwt);
  }

  /** The key IDs of tainted JWT authorities. */
  Set<String> jwtKeyIds() {
    return jwtKeyIds;
  }

  boolean hasX509() {
    return !x509.isEmpty();
  }

  /** True when a tainted X.509 authority signed (a certificate of) this SVID's chain. */
  synchronized boolean signed(X509Svid svid) {
    if (x509.isEmpty()) {
      return false;
    }
    return verdicts.computeIfAbsent(svid, this::check);
  }

  private boolean check(X509Svid svid) {
    for (X509Certificate certificate : svid.chain()) {
      for (X509Certificate authority : x509) {
        if (certificate.equals(authority)) {
          return true;
        }
        if (certificate.getIssuerX500Principal().equals(authority.getSubjectX500Principal())
            && verifies(certificate, authority)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean verifies(X509Certificate certificate, X509Certificate authority) {
    try {
      certificate.verify(authority.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false; // same name, another key: not this authority's signature
    }
  }
}
