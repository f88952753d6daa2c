package dev.signet.common.workload;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.BundleFormatException;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDResponse;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a {@code FetchX509SVID} response into an {@link X509Context}. */
public final class X509Responses {
  private X509Responses() {}

  /**
   * The context of the SVID for {@code wanted} (the first SVID when empty). Throws
   * {@link IllegalArgumentException} (with a message quoting the bad part) for a response that cannot be used:
   * no SVIDs, the wanted ID missing, malformed DER, a leaf whose URI SAN is not the ID the response names.
   */
  public static X509Context parse(X509SVIDResponse response, Optional<SpiffeId> wanted) {
    if (response.getSvidsCount() == 0) {
      throw new IllegalArgumentException("workload api response has no x509-svids");
    }
    X509SVID svid = wanted.map(id -> response.getSvidsList().stream()
            .filter(s -> s.getSpiffeId().equals(id.toString())).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("workload api response has no x509-svid for \"" + id
                + "\"; it has " + response.getSvidsList().stream().map(X509SVID::getSpiffeId).toList())))
        .orElse(response.getSvids(0));
    List<X509Certificate> chain = DerCodec.parseCertificates(svid.getX509Svid().toByteArray());
    SpiffeId id = X509SvidValidator.validateLeaf(chain.getFirst());
    if (!id.toString().equals(svid.getSpiffeId())) {
      throw new BundleFormatException("x509-svid leaf names \"" + id + "\" but the response says \""
          + svid.getSpiffeId() + "\"");
    }
    var key = new SvidKeyManager.KeyMaterial(DerCodec.parsePrivateKey(svid.getX509SvidKey().toByteArray()), chain);
    Map<TrustDomain, Bundle> bundles = new HashMap<>();
    bundles.put(id.trustDomain(), Bundle.ofX509(id.trustDomain(), DerCodec.parseCertificates(svid.getBundle().toByteArray())));
    response.getFederatedBundlesMap().forEach((name, der) -> {
      TrustDomain domain = TrustDomain.parse(name);
      if (!domain.equals(id.trustDomain())) {
        bundles.put(domain, Bundle.ofX509(domain, DerCodec.parseCertificates(der.toByteArray())));
      }
    });
    return new X509Context(id, key, bundles);
  }
}
