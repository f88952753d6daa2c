package dev.signet.agent.workload;

import com.google.protobuf.ByteString;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.proto.workload.JWTBundlesResponse;
import dev.signet.proto.workload.X509BundlesResponse;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Function;

/**
 * Encodes {@link WorkloadView}s into Workload API messages, in the wire formats the SPIFFE Workload API
 * fixes: certificates as concatenated DER, keys as unencrypted PKCS#8 DER, bundles keyed by trust domain
 * SPIFFE ID ({@code spiffe://td}), JWT bundles as JWKS JSON.
 */
final class WorkloadResponses {
  private WorkloadResponses() {}

  static X509SVIDResponse x509Svids(WorkloadView view) {
    ByteString bundle = der(view.bundle().x509Certificates());
    return x509Svids(view, identity -> x509Svid(identity, bundle));
  }

  /** With each identity's message from {@code encoded} (which may reuse messages encoded earlier). */
  static X509SVIDResponse x509Svids(WorkloadView view, Function<CachedIdentity, X509SVID> encoded) {
    X509SVIDResponse.Builder response = X509SVIDResponse.newBuilder();
    for (CachedIdentity identity : view.identities()) {
      response.addSvids(encoded.apply(identity));
    }
    view.federatedBundles().forEach((domain, federated) ->
        response.putFederatedBundles(domain.idString(), der(federated.x509Certificates())));
    return response.build();
  }

  static X509SVID x509Svid(CachedIdentity identity, ByteString bundle) {
    return X509SVID.newBuilder()
        .setSpiffeId(identity.spiffeId().toString())
        .setX509Svid(der(identity.svid().chain()))
        .setX509SvidKey(ByteString.copyFrom(identity.svid().privateKey().getEncoded()))
        .setBundle(bundle)
        .setHint(identity.hint())
        .build();
  }

  static X509BundlesResponse x509Bundles(WorkloadView view) {
    X509BundlesResponse.Builder response = X509BundlesResponse.newBuilder();
    for (Bundle bundle : view.allBundles()) {
      response.putBundles(bundle.trustDomain().idString(), der(bundle.x509Certificates()));
    }
    return response.build();
  }

  /** JWKS per trust domain holding the JWT authorities only (X.509 authorities are not JWT keys). */
  static JWTBundlesResponse jwtBundles(WorkloadView view) {
    JWTBundlesResponse.Builder response = JWTBundlesResponse.newBuilder();
    for (Bundle bundle : view.allBundles()) {
      Bundle jwtOnly = new Bundle(bundle.trustDomain(), List.of(), bundle.jwtAuthorities(), bundle.sequenceNumber(),
          bundle.refreshHint());
      response.putBundles(bundle.trustDomain().idString(),
          ByteString.copyFrom(JwksCodec.encode(jwtOnly), StandardCharsets.UTF_8));
    }
    return response.build();
  }

  static ByteString der(List<X509Certificate> certificates) {
    ByteString.Output out = ByteString.newOutput();
    for (X509Certificate certificate : certificates) {
      try {
        byte[] encoded = certificate.getEncoded();
        out.write(encoded, 0, encoded.length);
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("certificate " + certificate.getSubjectX500Principal().getName()
            + " cannot be DER-encoded", e);
      }
    }
    return out.toByteString();
  }
}
