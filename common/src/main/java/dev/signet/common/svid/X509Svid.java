package dev.signet.common.svid;

import dev.signet.common.spiffe.SpiffeId;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An X509-SVID with its private key: the leaf certificate first, then intermediates. The ID is the leaf's
 * URI SAN. {@link #toString()} never prints the key.
 */
public record X509Svid(SpiffeId id, List<X509Certificate> chain, PrivateKey privateKey) {
  public X509Svid {
    Objects.requireNonNull(id, "x509-svid id is missing");
    chain = List.copyOf(chain);
    Objects.requireNonNull(privateKey, "x509-svid \"" + id + "\" has no private key");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("x509-svid \"" + id + "\" has an empty certificate chain");
    }
    SpiffeId leafId = X509SvidValidator.spiffeIdOf(chain.getFirst());
    if (!leafId.equals(id)) {
      throw new IllegalArgumentException("x509-svid id \"" + id + "\" differs from its leaf certificate's \""
          + leafId + "\"");
    }
  }

  /** An SVID whose ID is read from the leaf certificate. */
  public static X509Svid of(List<X509Certificate> chain, PrivateKey privateKey) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("x509-svid certificate chain is empty");
    }
    return new X509Svid(X509SvidValidator.spiffeIdOf(chain.getFirst()), chain, privateKey);
  }

  public X509Certificate leaf() {
    return chain.getFirst();
  }

  public Instant expiresAt() {
    return leaf().getNotAfter().toInstant();
  }

  @Override
  public String toString() {
    return "X509Svid[id=" + id + ", serial=" + leaf().getSerialNumber().toString(16) + ", expiresAt=" + expiresAt()
        + ", chainLength=" + chain.size() + "]";
  }
}
