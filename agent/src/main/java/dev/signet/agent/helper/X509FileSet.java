package dev.signet.agent.helper;

import dev.signet.common.bundle.PemCodec;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDResponse;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The three PEM files spiffe-helper writes from one FetchX509SVID response: {@code svid_file_name} (the leaf,
 * followed by the intermediates unless {@code add_intermediates_to_bundle}), {@code svid_key_file_name} (the PKCS#8
 * key) and {@code svid_bundle_file_name} (the trust domain's CAs, then the intermediates when
 * {@code add_intermediates_to_bundle}, then every federated bundle's CAs when {@code include_federated_domains}).
 * The SVID is the one whose hint is {@code hint}, or the first one when {@code hint} is empty.
 */
record X509FileSet(String spiffeId, Instant notAfter, String certificates, String key, String bundle) {

  @Override
  public String toString() { // the key is a secret
    return "X509FileSet[" + spiffeId + ", valid until " + notAfter + "]";
  }

  static X509FileSet of(X509SVIDResponse response, String hint, boolean intermediatesToBundle, boolean federated)
      throws GeneralSecurityException {
    X509SVID svid = choose(response, hint);
    List<X509Certificate> chain = X509Material.certificates(svid.getX509Svid().toByteArray());
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("the x509-svid of \"" + svid.getSpiffeId() + "\" has no certificate");
    }
    List<X509Certificate> leafFile = intermediatesToBundle ? chain.subList(0, 1) : chain;
    List<X509Certificate> bundle = new ArrayList<>(X509Material.certificates(svid.getBundle().toByteArray()));
    if (intermediatesToBundle) {
      bundle.addAll(chain.subList(1, chain.size()));
    }
    if (federated) {
      for (var foreign : response.getFederatedBundlesMap().values()) {
        bundle.addAll(X509Material.certificates(foreign.toByteArray()));
      }
    }
    return new X509FileSet(svid.getSpiffeId(), chain.getFirst().getNotAfter().toInstant(),
        PemCodec.encodeCertificates(leafFile), PemCodec.encodePrivateKey(X509Material.privateKey(svid)),
        PemCodec.encodeCertificates(bundle));
  }

  private static X509SVID choose(X509SVIDResponse response, String hint) throws GeneralSecurityException {
    if (response.getSvidsCount() == 0) {
      throw new GeneralSecurityException("the workload api sent no x509-svid");
    }
    if (hint.isEmpty()) {
      return response.getSvids(0);
    }
    return response.getSvidsList().stream().filter(s -> s.getHint().equals(hint)).findFirst()
        .orElseThrow(() -> new GeneralSecurityException("no x509-svid has the hint \"" + hint + "\" (got "
            + response.getSvidsList().stream().map(s -> s.getSpiffeId() + " hint \"" + s.getHint() + "\"").toList()
            + ")"));
  }
}
