package dev.signet.datastore;

import dev.signet.common.spiffe.SpiffeId;
import java.net.URI;
import java.util.Objects;

/**
 * A federation relationship: where and how to fetch a foreign trust domain's bundle (SPIFFE
 * federation, {@code https_web} or {@code https_spiffe}).
 *
 * @param endpointSpiffeId the bundle endpoint server's ID; required for {@code https_spiffe}, null for
 *     {@code https_web}
 */
public record FederationRelationship(String trustDomain, URI bundleEndpointUrl, String bundleEndpointProfile,
    SpiffeId endpointSpiffeId) {
  /** The {@code https_web} profile (Web PKI). */
  public static final String HTTPS_WEB = "https_web";
  /** The {@code https_spiffe} profile (SPIFFE authentication of the endpoint). */
  public static final String HTTPS_SPIFFE = "https_spiffe";

  public FederationRelationship {
    if (trustDomain == null || trustDomain.isEmpty()) {
      throw new IllegalArgumentException("federation relationship trust domain is empty");
    }
    Objects.requireNonNull(bundleEndpointUrl, "bundleEndpointUrl");
    if (!"https".equals(bundleEndpointUrl.getScheme())) {
      throw new IllegalArgumentException("bundle endpoint url \"" + bundleEndpointUrl + "\" must use https");
    }
    if (HTTPS_SPIFFE.equals(bundleEndpointProfile)) {
      Objects.requireNonNull(endpointSpiffeId, "endpoint spiffe id is required for https_spiffe");
    } else if (HTTPS_WEB.equals(bundleEndpointProfile)) {
      if (endpointSpiffeId != null) {
        throw new IllegalArgumentException("endpoint spiffe id \"" + endpointSpiffeId + "\" is not used by https_web");
      }
    } else {
      throw new IllegalArgumentException("unknown bundle endpoint profile \"" + bundleEndpointProfile + "\"");
    }
  }
}
