package dev.signet.server.config;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.FederationRelationship;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SPIRE's {@code server.federation} block: {@code bundle_endpoint { address, port, refresh_hint, profile
 * "https_spiffe" {} | profile "https_web" { serving_cert_file { cert_file_path, key_file_path,
 * file_sync_interval } } }} and {@code federates_with "<td>" { bundle_endpoint_url, bundle_endpoint_profile
 * "https_spiffe" { endpoint_spiffe_id } | "https_web" {} }}. ACME is not available here and is refused.
 */
final class FederationConfig {
  private FederationConfig() {}

  static ServerConfig.FederationSettings parse(ConfigSection server) {
    if (!server.has("federation")) {
      return ServerConfig.FederationSettings.NONE;
    }
    ConfigSection federation = server.section("federation");
    ServerConfig.BundleEndpointSettings endpoint = federation.has("bundle_endpoint")
        ? bundleEndpoint(federation.section("bundle_endpoint")) : null;
    List<FederationRelationship> relationships = new ArrayList<>();
    if (federation.has("federates_with")) {
      federation.labelledSections("federates_with").forEach((td, block) -> relationships.add(relationship(td, block)));
    }
    return new ServerConfig.FederationSettings(endpoint, relationships);
  }

  private static ServerConfig.BundleEndpointSettings bundleEndpoint(ConfigSection block) {
    String address = block.getString("address", "0.0.0.0");
    int port = block.getInt("port", 8443);
    Duration refreshHint = block.getDuration("refresh_hint", Duration.ofMinutes(5));
    Map<String, ConfigSection> profiles = block.has("profile") ? block.labelledSections("profile") : Map.of();
    if (profiles.size() > 1) {
      throw new ConfigException("federation.bundle_endpoint: only one profile may be set, got " + profiles.keySet());
    }
    if (block.has("acme")) {
      throw acmeUnsupported();
    }
    try {
      if (profiles.isEmpty() || profiles.containsKey(FederationRelationship.HTTPS_SPIFFE)) {
        return new ServerConfig.BundleEndpointSettings(address, port, refreshHint, FederationRelationship.HTTPS_SPIFFE,
            null, null, null);
      }
      ConfigSection web = profiles.get(FederationRelationship.HTTPS_WEB);
      if (web == null) {
        throw new ConfigException("federation.bundle_endpoint: unknown profile " + profiles.keySet()
            + " (https_spiffe or https_web)");
      }
      if (web.has("acme")) {
        throw acmeUnsupported();
      }
      ConfigSection files = web.section("serving_cert_file");
      return new ServerConfig.BundleEndpointSettings(address, port, refreshHint, FederationRelationship.HTTPS_WEB,
          Path.of(files.requireString("cert_file_path")), Path.of(files.requireString("key_file_path")),
          files.getDuration("file_sync_interval", Duration.ofHours(1)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static ConfigException acmeUnsupported() {
    return new ConfigException("federation.bundle_endpoint: acme is not supported by signet (no ACME client); "
        + "use profile \"https_web\" { serving_cert_file { cert_file_path, key_file_path } } with a certificate "
        + "from your ACME tooling, or profile \"https_spiffe\"");
  }

  private static FederationRelationship relationship(String trustDomain, ConfigSection block) {
    String where = "federation.federates_with \"" + trustDomain + "\"";
    String url = block.requireString("bundle_endpoint_url");
    Map<String, ConfigSection> profiles = block.has("bundle_endpoint_profile")
        ? block.labelledSections("bundle_endpoint_profile") : Map.of();
    if (profiles.size() != 1) {
      throw new ConfigException(where + ": exactly one bundle_endpoint_profile (\"https_spiffe\" or \"https_web\") "
          + "must be set, got " + profiles.keySet());
    }
    String profile = profiles.keySet().iterator().next();
    try {
      TrustDomain.parse(trustDomain);
      URI endpoint = new URI(url);
      return switch (profile) {
        case FederationRelationship.HTTPS_WEB -> new FederationRelationship(trustDomain, endpoint, profile, null);
        case FederationRelationship.HTTPS_SPIFFE -> new FederationRelationship(trustDomain, endpoint, profile,
            SpiffeId.parse(profiles.get(profile).requireString("endpoint_spiffe_id")));
        default -> throw new ConfigException(where + ": unknown bundle_endpoint_profile \"" + profile + "\"");
      };
    } catch (URISyntaxException e) {
      throw new ConfigException(where + ": bundle_endpoint_url \"" + url + "\" is not a URL: " + e.getReason());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": " + e.getMessage());
    }
  }
}
