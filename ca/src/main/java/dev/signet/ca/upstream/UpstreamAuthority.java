package dev.signet.ca.upstream;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.spiffe.TrustDomain;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * SPIRE's UpstreamAuthority plugin type: signs the server's intermediate CA so that SVIDs chain to roots
 * the CA does not own. The roots it returns, not the intermediate, go to the trust bundle.
 *
 * <p>An upstream whose roots change while the server runs (another server of the trust domain, SPIRE's nested
 * topology) reports them through {@link #watchBundle}; one that takes JWT keys ({@link #publishJwtAuthority})
 * makes the server's JWT keys known to the whole trust domain. Both default to what a static upstream does:
 * nothing.
 */
public interface UpstreamAuthority extends AutoCloseable {
  /** The plugin name, e.g. {@code disk}. */
  String name();

  /**
   * Signs a CA certificate for {@code keyPair}'s public key with the X.509 CA profile of {@code trustDomain}.
   * The private key is there only to sign a certificate signing request for an upstream that asks for one; an
   * upstream never keeps or sends it.
   *
   * @param subject the {@code ca_subject}, RFC 4514
   * @param preferredTtl the {@code ca_ttl}; the upstream may shorten it (never past its own expiry)
   */
  UpstreamSigned mintX509Ca(KeyPair keyPair, TrustDomain trustDomain, String subject, Duration preferredTtl,
      Instant now);

  /**
   * Tells {@code listener} the upstream's trust bundle (same trust domain) each time it changes, from any thread;
   * the server adds its X.509 and JWT authorities to its own bundle. By default the roots never change after
   * {@link #mintX509Ca}.
   */
  default void watchBundle(Consumer<Bundle> listener) {}

  /**
   * Publishes one of the server's JWT keys to the upstream and returns the upstream's JWT authorities (the
   * published key among them), or empty when this upstream keeps no JWT keys: the key then stays local.
   */
  default Optional<List<JwtAuthority>> publishJwtAuthority(JwtAuthority authority) {
    return Optional.empty();
  }

  /** Releases connections and threads; by default there are none. */
  @Override
  default void close() {}
}
