package dev.signet.benchmarks;

import dev.signet.ca.x509.X509CaMinter;
import dev.signet.ca.x509.X509SigningAuthority;
import dev.signet.ca.x509.X509SvidMinter;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.X509Svid;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A self-signed P-256 CA made with the production minters, for benchmarks. */
final class BenchmarkCa {
  final TrustDomain trustDomain = TrustDomain.parse("bench.test");
  final X509SigningAuthority authority;

  BenchmarkCa() {
    KeyPair key = KeyType.EC_P256.generate();
    X509Certificate certificate = X509CaMinter.selfSigned(key.getPublic(), key.getPrivate(), trustDomain,
        X509CaMinter.DEFAULT_SUBJECT, Duration.ofDays(1), Instant.now());
    authority = X509SigningAuthority.selfSigned(certificate, key.getPrivate());
  }

  /** A workload SVID with a fresh key. */
  X509Svid svid(String path) {
    KeyPair key = KeyType.EC_P256.generate();
    SpiffeId id = trustDomain.id(path);
    X509Certificate leaf = X509SvidMinter.mint(authority, key.getPublic(), id, List.of(), Duration.ofHours(1),
        Instant.now());
    return new X509Svid(id, List.of(leaf), key.getPrivate());
  }
}
