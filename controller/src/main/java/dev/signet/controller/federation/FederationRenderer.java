package dev.signet.controller.federation;

import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.controller.crd.ClusterFederatedTrustDomainSpec;
import dev.signet.proto.spire.api.types.FederationRelationship;
import dev.signet.proto.spire.api.types.HTTPSSPIFFEProfile;
import dev.signet.proto.spire.api.types.HTTPSWebProfile;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The federation relationship a {@code ClusterFederatedTrustDomain} declares: trust domain, bundle endpoint URL
 * (https), profile ({@code https_web}, or {@code https_spiffe} with the endpoint's SPIFFE ID) and, optionally, the
 * bundle to bootstrap with (SPIFFE bundle JSON, as spire-controller-manager takes it).
 */
public final class FederationRenderer {
  private FederationRenderer() {}

  /** The relationship; throws {@link IllegalArgumentException} naming the bad field. */
  public static FederationRelationship render(ClusterFederatedTrustDomainSpec spec) {
    TrustDomain trustDomain = TrustDomain.parse(spec.trustDomain());
    String url = spec.bundleEndpointURL();
    try {
      if (url == null || !"https".equals(new URI(url).getScheme())) {
        throw new IllegalArgumentException("bundleEndpointURL \"" + url + "\" must be an https URL");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("bundleEndpointURL \"" + url + "\" is not a URL: " + e.getReason(), e);
    }
    FederationRelationship.Builder relationship = FederationRelationship.newBuilder()
        .setTrustDomain(trustDomain.name()).setBundleEndpointUrl(url);
    var profile = spec.bundleEndpointProfile();
    String type = profile == null ? "" : String.valueOf(profile.type());
    switch (type) {
      case "https_web" -> relationship.setHttpsWeb(HTTPSWebProfile.getDefaultInstance());
      case "https_spiffe" -> relationship.setHttpsSpiffe(HTTPSSPIFFEProfile.newBuilder()
          .setEndpointSpiffeId(SpiffeId.parse(profile.endpointSPIFFEID()).toString()));
      default -> throw new IllegalArgumentException("bundleEndpointProfile.type \"" + type
          + "\" must be https_web or https_spiffe");
    }
    if (spec.trustDomainBundle() != null && !spec.trustDomainBundle().isBlank()) {
      relationship.setTrustDomainBundle(BundleProtos.toProto(JwksCodec.decode(trustDomain, spec.trustDomainBundle())));
    }
    return relationship.build();
  }

  /** Whether the server's relationship differs from the declared one in endpoint URL or profile. */
  public static boolean outdated(FederationRelationship declared, FederationRelationship current) {
    return !declared.getBundleEndpointUrl().equals(current.getBundleEndpointUrl())
        || declared.getBundleEndpointProfileCase() != current.getBundleEndpointProfileCase()
        || !declared.getHttpsSpiffe().getEndpointSpiffeId().equals(current.getHttpsSpiffe().getEndpointSpiffeId());
  }
}
