package dev.signet.ca.x509;

import dev.signet.common.spiffe.TrustDomain;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs the intermediate CA of a downstream server of the same trust domain (SPIRE's nested topology) with
 * this server's active X.509 authority. The certificate has the X.509 CA profile of {@link X509CaMinter}; its
 * subject is {@code ca_subject} with {@code OU=DOWNSTREAM-<n>}, n being how many CAs sit between it and the
 * root (as SPIRE names downstream CAs), so an operator reading a chain sees where each CA comes from.
 */
public final class DownstreamCaSigner {
  private DownstreamCaSigner() {}

  /**
   * The downstream CA certificate, then the certificates that lead from it to (excluding) the roots.
   *
   * @param ttl the lifetime; never past the issuer's own expiry
   */
  public static List<X509Certificate> sign(X509SigningAuthority issuer, PublicKey publicKey, TrustDomain trustDomain,
      String caSubject, Duration ttl, Instant now) {
    List<X509Certificate> parents = issuer.isSelfSigned() ? List.of(issuer.certificate()) : issuer.chainWithoutRoot();
    String subject = "OU=DOWNSTREAM-" + parents.size() + "," + caSubject;
    X509Certificate ca = X509CaMinter.signedBy(publicKey, trustDomain, subject, ttl, now, issuer.certificate(),
        issuer.privateKey());
    CredentialValidator.validateX509Ca(ca, trustDomain, now);
    List<X509Certificate> chain = new ArrayList<>(1 + parents.size());
    chain.add(ca);
    chain.addAll(issuer.chainWithoutRoot());
    return List.copyOf(chain);
  }
}
