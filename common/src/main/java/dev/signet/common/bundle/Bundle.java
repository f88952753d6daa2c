package dev.signet.common.bundle;

import dev.signet.common.spiffe.TrustDomain;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The trust bundle of one trust domain: its X.509 and JWT authorities, a sequence number and a refresh
 * hint. Immutable: every {@code with…} method returns a new bundle whose sequence number is one higher,
 * or this same bundle when nothing changed, so the sequence number moves exactly when the content does
 * (SPIFFE Trust Domain and Bundle §4.1.1).
 *
 * @param refreshHint how often consumers should re-fetch; {@link Duration#ZERO} means no hint
 */
public record Bundle(TrustDomain trustDomain, List<X509Authority> x509Authorities,
    List<JwtAuthority> jwtAuthorities, long sequenceNumber, Duration refreshHint) {

  public Bundle {
    Objects.requireNonNull(trustDomain, "bundle trust domain is missing");
    x509Authorities = List.copyOf(x509Authorities);
    jwtAuthorities = List.copyOf(jwtAuthorities);
    refreshHint = refreshHint == null ? Duration.ZERO : refreshHint;
    if (sequenceNumber < 0) {
      throw new IllegalArgumentException("bundle sequence number " + sequenceNumber + " is negative");
    }
    if (refreshHint.isNegative()) {
      throw new IllegalArgumentException("bundle refresh hint " + refreshHint + " is negative");
    }
    var certificates = new HashSet<X509Certificate>();
    for (X509Authority authority : x509Authorities) {
      if (!certificates.add(authority.certificate())) {
        throw new IllegalArgumentException("bundle for \"" + trustDomain + "\" lists the x509 authority "
            + authority.certificate().getSubjectX500Principal().getName() + " twice");
      }
    }
    var keyIds = new HashSet<String>();
    for (JwtAuthority authority : jwtAuthorities) {
      if (!keyIds.add(authority.keyId())) {
        throw new IllegalArgumentException("bundle for \"" + trustDomain + "\" lists the jwt key id \""
            + authority.keyId() + "\" twice");
      }
    }
  }

  /** A bundle with no authorities, sequence 0 and no refresh hint. */
  public static Bundle empty(TrustDomain trustDomain) {
    return new Bundle(trustDomain, List.of(), List.of(), 0, Duration.ZERO);
  }

  /** A bundle with the given untainted X.509 authorities and no JWT authorities. */
  public static Bundle ofX509(TrustDomain trustDomain, List<X509Certificate> certificates) {
    return new Bundle(trustDomain, certificates.stream().map(X509Authority::of).toList(), List.of(), 0,
        Duration.ZERO);
  }

  /** The X.509 authorities' certificates, in bundle order (the trust anchors for X509-SVIDs). */
  public List<X509Certificate> x509Certificates() {
    return x509Authorities.stream().map(X509Authority::certificate).toList();
  }

  /** The JWT authority with the given key ID, if any. */
  public Optional<JwtAuthority> findJwtAuthority(String keyId) {
    return jwtAuthorities.stream().filter(a -> a.keyId().equals(keyId)).findFirst();
  }

  /** The X.509 authority with the given certificate, if any. */
  public Optional<X509Authority> findX509Authority(X509Certificate certificate) {
    return x509Authorities.stream().filter(a -> a.certificate().equals(certificate)).findFirst();
  }

  /** True when the bundle has no authorities of either kind. */
  public boolean isEmpty() {
    return x509Authorities.isEmpty() && jwtAuthorities.isEmpty();
  }

  /** Adds an X.509 authority; a certificate already present is replaced by {@code authority}. */
  public Bundle withX509Authority(X509Authority authority) {
    List<X509Authority> next = new ArrayList<>(x509Authorities);
    next.removeIf(a -> a.certificate().equals(authority.certificate()));
    next.add(authority);
    return changed(next, jwtAuthorities);
  }

  /** Adds an untainted X.509 authority. */
  public Bundle withX509Authority(X509Certificate certificate) {
    return findX509Authority(certificate).isPresent() ? this : withX509Authority(X509Authority.of(certificate));
  }

  /**
   * Adds a JWT authority. Re-adding the same key under the same key ID replaces it (its expiry or taint
   * may change); a different key under a key ID already present is refused, since that would let a
   * token verify under two keys.
   */
  public Bundle withJwtAuthority(JwtAuthority authority) {
    Optional<JwtAuthority> existing = findJwtAuthority(authority.keyId());
    if (existing.isPresent() && !existing.get().publicKey().equals(authority.publicKey())) {
      throw new IllegalArgumentException("bundle for \"" + trustDomain + "\" already has a different key with id \""
          + authority.keyId() + "\"");
    }
    List<JwtAuthority> next = new ArrayList<>(jwtAuthorities);
    next.removeIf(a -> a.keyId().equals(authority.keyId()));
    next.add(authority);
    return changed(x509Authorities, next);
  }

  /** Removes the X.509 authority with this certificate; unchanged when absent. */
  public Bundle withoutX509Authority(X509Certificate certificate) {
    List<X509Authority> next = new ArrayList<>(x509Authorities);
    next.removeIf(a -> a.certificate().equals(certificate));
    return changed(next, jwtAuthorities);
  }

  /** Removes the JWT authority with this key ID; unchanged when absent. */
  public Bundle withoutJwtAuthority(String keyId) {
    List<JwtAuthority> next = new ArrayList<>(jwtAuthorities);
    next.removeIf(a -> a.keyId().equals(keyId));
    return changed(x509Authorities, next);
  }

  /** Marks the X.509 authority with this certificate tainted; throws when it is not in the bundle. */
  public Bundle withX509AuthorityTainted(X509Certificate certificate) {
    X509Authority found = findX509Authority(certificate).orElseThrow(() -> new IllegalArgumentException(
        "bundle for \"" + trustDomain + "\" has no x509 authority " + certificate.getSubjectX500Principal().getName()));
    return changed(replace(x509Authorities, found, X509Authority::taint), jwtAuthorities);
  }

  /** Marks the JWT authority with this key ID tainted; throws when it is not in the bundle. */
  public Bundle withJwtAuthorityTainted(String keyId) {
    JwtAuthority found = findJwtAuthority(keyId).orElseThrow(() -> new IllegalArgumentException(
        "bundle for \"" + trustDomain + "\" has no jwt authority with key id \"" + keyId + "\""));
    return changed(x509Authorities, replace(jwtAuthorities, found, JwtAuthority::taint));
  }

  /**
   * This bundle without its tainted X.509 and JWT authorities, under the same sequence number: a view to
   * verify against where a tainted (suspected compromised) authority must no longer vouch for anyone;
   * never a new version of the bundle to publish.
   */
  public Bundle withoutTaintedAuthorities() {
    if (x509Authorities.stream().noneMatch(X509Authority::tainted)
        && jwtAuthorities.stream().noneMatch(JwtAuthority::tainted)) {
      return this;
    }
    return new Bundle(trustDomain, x509Authorities.stream().filter(a -> !a.tainted()).toList(),
        jwtAuthorities.stream().filter(a -> !a.tainted()).toList(), sequenceNumber, refreshHint);
  }

  /**
   * Drops X.509 authorities whose certificate expired before {@code cutoff} and JWT authorities whose
   * expiry is before it (SPIRE's bundle pruning).
   */
  public Bundle withoutAuthoritiesExpiredBefore(Instant cutoff) {
    return changed(
        x509Authorities.stream().filter(a -> !a.certificate().getNotAfter().toInstant().isBefore(cutoff)).toList(),
        jwtAuthorities.stream().filter(a -> a.expiresAt() == null || !a.expiresAt().isBefore(cutoff)).toList());
  }

  /** The same bundle with another refresh hint (and the next sequence number when it differs). */
  public Bundle withRefreshHint(Duration hint) {
    return hint.equals(refreshHint) ? this
        : new Bundle(trustDomain, x509Authorities, jwtAuthorities, sequenceNumber + 1, hint);
  }

  /** The same content under an explicit sequence number (for stores that assign it themselves). */
  public Bundle withSequenceNumber(long sequence) {
    return new Bundle(trustDomain, x509Authorities, jwtAuthorities, sequence, refreshHint);
  }

  private Bundle changed(List<X509Authority> x509, List<JwtAuthority> jwt) {
    if (x509.equals(x509Authorities) && jwt.equals(jwtAuthorities)) {
      return this;
    }
    return new Bundle(trustDomain, x509, jwt, sequenceNumber + 1, refreshHint);
  }

  private static <T> List<T> replace(List<T> list, T old, UnaryOperator<T> change) {
    return list.stream().map(a -> a.equals(old) ? change.apply(a) : a).toList();
  }
}
