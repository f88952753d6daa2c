package dev.signet.controller.crd;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code spec} of a {@code ClusterFederatedTrustDomain} exactly as the manifest spells it (spire.spiffe.io/v1alpha1). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterFederatedTrustDomainSpec(
    String trustDomain,
    String bundleEndpointURL,
    BundleEndpointProfile bundleEndpointProfile,
    String trustDomainBundle,
    String className) {

  /** {@code bundleEndpointProfile}: {@code type} https_web or https_spiffe, with {@code endpointSPIFFEID}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record BundleEndpointProfile(String type, String endpointSPIFFEID) {}
}
