package dev.signet.ca.manager;

import dev.signet.ca.x509.X509CaMinter;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import java.time.Duration;
import java.util.Objects;

/**
 * The CA settings of {@code server.conf}.
 *
 * @param caSubject {@code ca_subject} in RFC 4514 form (most significant last), default {@code O=SPIFFE,C=US}
 * @param x509KeyType {@code ca_key_type}, default ec-p256
 * @param jwtKeyType {@code jwt_key_type}, default {@code ca_key_type}
 * @param caTtl {@code ca_ttl}, default 24 h; also the lifetime of JWT keys
 */
public record CaConfig(TrustDomain trustDomain, String caSubject, KeyType x509KeyType, KeyType jwtKeyType,
    Duration caTtl) {
  public CaConfig {
    Objects.requireNonNull(trustDomain, "ca trust domain is missing");
    caSubject = caSubject == null || caSubject.isEmpty() ? X509CaMinter.DEFAULT_SUBJECT : caSubject;
    x509KeyType = x509KeyType == null ? KeyType.EC_P256 : x509KeyType;
    jwtKeyType = jwtKeyType == null ? x509KeyType : jwtKeyType;
    caTtl = caTtl == null || caTtl.isZero() ? X509CaMinter.DEFAULT_TTL : caTtl;
    if (caTtl.isNegative()) {
      throw new IllegalArgumentException("ca_ttl " + caTtl + " is negative");
    }
  }

  /** SPIRE's defaults for {@code trustDomain}. */
  public static CaConfig defaults(TrustDomain trustDomain) {
    return new CaConfig(trustDomain, null, null, null, null);
  }
}
