package dev.signet.server.api.convert;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.FederationRelationship;
import dev.signet.proto.spire.api.types.FederationRelationshipMask;
import dev.signet.proto.spire.api.types.HTTPSSPIFFEProfile;
import dev.signet.proto.spire.api.types.HTTPSWebProfile;
import dev.signet.server.api.InputValidation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** Federation relationships between the API's {@code spire.api.types.FederationRelationship} and the datastore's. */
public final class FederationRelationshipConverter {
  /** The mask that selects every field, used when a request has none. */
  public static final FederationRelationshipMask ALL_FIELDS = FederationRelationshipMask.newBuilder()
      .setBundleEndpointUrl(true).setBundleEndpointProfile(true).setTrustDomainBundle(true).build();

  private FederationRelationshipConverter() {}

  /**
   * Validates an API relationship for a foreign trust domain: a canonical trust domain name, an https URL
   * without user info or fragment, a profile, and for {@code https_spiffe} a SPIFFE ID. A malformed one is
   * INVALID_ARGUMENT naming the value.
   */
  public static FederationRelationship fromProto(dev.signet.proto.spire.api.types.FederationRelationship proto,
      TrustDomain ownDomain) {
    TrustDomain td = InputValidation.trustDomain("trust_domain", proto.getTrustDomain());
    if (td.equals(ownDomain)) {
      throw InputValidation.invalid("\"" + td + "\" is the server's own trust domain; it cannot be federated with");
    }
    URI url = endpointUrl(proto.getBundleEndpointUrl());
    return switch (proto.getBundleEndpointProfileCase()) {
      case HTTPS_WEB -> new FederationRelationship(td.name(), url, FederationRelationship.HTTPS_WEB, null);
      case HTTPS_SPIFFE -> new FederationRelationship(td.name(), url, FederationRelationship.HTTPS_SPIFFE,
          InputValidation.spiffeId("https_spiffe.endpoint_spiffe_id",
              proto.getHttpsSpiffe().getEndpointSpiffeId()));
      case BUNDLEENDPOINTPROFILE_NOT_SET -> throw InputValidation.invalid(
          "federation relationship with \"" + td + "\" has no bundle endpoint profile (https_web or https_spiffe)");
    };
  }

  /** The bundle a create or update request carries for the relationship's trust domain, if any. */
  public static Optional<Bundle> bundleOf(dev.signet.proto.spire.api.types.FederationRelationship proto) {
    if (!proto.hasTrustDomainBundle()) {
      return Optional.empty();
    }
    Bundle bundle = InputValidation.bundle(proto.getTrustDomainBundle());
    if (!bundle.trustDomain().name().equals(proto.getTrustDomain())) {
      throw InputValidation.invalid("trust_domain_bundle is for \"" + bundle.trustDomain()
          + "\", not for the relationship's trust domain \"" + proto.getTrustDomain() + "\"");
    }
    return Optional.of(bundle);
  }

  /** The API form, with the fields {@code mask} selects; {@code bundle} is the trust domain's current bundle. */
  public static dev.signet.proto.spire.api.types.FederationRelationship toProto(FederationRelationship relationship,
      Optional<Bundle> bundle, FederationRelationshipMask mask) {
    var proto = dev.signet.proto.spire.api.types.FederationRelationship.newBuilder()
        .setTrustDomain(relationship.trustDomain());
    if (mask.getBundleEndpointUrl()) {
      proto.setBundleEndpointUrl(relationship.bundleEndpointUrl().toString());
    }
    if (mask.getBundleEndpointProfile()) {
      if (FederationRelationship.HTTPS_SPIFFE.equals(relationship.bundleEndpointProfile())) {
        proto.setHttpsSpiffe(HTTPSSPIFFEProfile.newBuilder()
            .setEndpointSpiffeId(relationship.endpointSpiffeId().toString()));
      } else {
        proto.setHttpsWeb(HTTPSWebProfile.getDefaultInstance());
      }
    }
    if (mask.getTrustDomainBundle()) {
      bundle.ifPresent(b -> proto.setTrustDomainBundle(BundleProtos.toProto(b)));
    }
    return proto.build();
  }

  private static URI endpointUrl(String text) {
    if (text.isEmpty()) {
      throw InputValidation.invalid("bundle_endpoint_url is missing");
    }
    URI url;
    try {
      url = new URI(text);
    } catch (URISyntaxException e) {
      throw InputValidation.invalid("bundle_endpoint_url \"" + text + "\" is not a URL: " + e.getReason());
    }
    if (!"https".equals(url.getScheme()) || url.getHost() == null) {
      throw InputValidation.invalid("bundle_endpoint_url \"" + text + "\" must be an https URL with a host");
    }
    if (url.getUserInfo() != null || url.getFragment() != null) {
      throw InputValidation.invalid("bundle_endpoint_url \"" + text + "\" must not carry user info or a fragment");
    }
    return url;
  }
}
