package dev.signet.ca.upstream;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What an upstream authority returns.
 *
 * @param certificate the new intermediate CA certificate
 * @param upstreamChain the certificates from the intermediate's issuer up to, but excluding, a root
 * @param roots the upstream trust anchors, published in the trust bundle
 */
public record UpstreamSigned(X509Certificate certificate, List<X509Certificate> upstreamChain,
    List<X509Certificate> roots) {
  public UpstreamSigned {
    if (certificate == null) {
      throw new IllegalArgumentException("upstream-signed ca certificate is missing");
    }
    upstreamChain = List.copyOf(upstreamChain);
    roots = List.copyOf(roots);
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("upstream authority returned no roots");
    }
  }
}
