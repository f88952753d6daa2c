package dev.signet.ca.upstream;

import dev.signet.common.spiffe.TrustDomain;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;

/**
 * SPIRE's UpstreamAuthority plugin type: signs the server's intermediate CA so that SVIDs chain to roots
 * the CA does not own. The roots it returns, not the intermediate, go to the trust bundle.
 */
public interface UpstreamAuthority {
  /** The plugin name, e.g. {@code disk}. */
  String name();

  /**
   * Signs a CA certificate for {@code publicKey} with the X.509 CA profile of {@code trustDomain}.
   *
   * @param subject the {@code ca_subject}, RFC 4514
   * @param preferredTtl the {@code ca_ttl}; the upstream may shorten it (never past its own expiry)
   */
  UpstreamSigned mintX509Ca(PublicKey publicKey, TrustDomain trustDomain, String subject, Duration preferredTtl,
      Instant now);
}
