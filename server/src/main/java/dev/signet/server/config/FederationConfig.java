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
 * "https_spiffe" { endpoint_spiffe_id } | "https_web" {} }}. {@code acme { directory_url, domain_name, email,
 * tos_accepted }} is read where SPIRE reads it: inside {@code profile "https_web"}, or (SPIRE's deprecated form)
 * directly in {@code bundle_endpoint}, which then serves {@code https_web}; both at once are refused, as SPIRE does.
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
    if (block.has("acme") && !profiles.isEmpty()) {
      throw new ConfigException("federation.bundle_endpoint: either acme or profile can be set, not both");
    }
    try {
      if (block.has("acme")) {
        return new ServerConfig.BundleEndpointSettings(address, port, refreshHint, FederationRelationship.HTTPS_WEB,
            null, null, null, acme(block.section("acme")));
      }
      if (profiles.isEmpty() || profiles.containsKey(FederationRelationship.HTTPS_SPIFFE)) {
        return new ServerConfig.BundleEndpointSettings(address, port, refreshHint, FederationRelationship.HTTPS_SPIFFE,
            null, null, null);
      }
      ConfigSection web = profiles.get(FederationRelationship.HTTPS_WEB);
      if (web == null) {
        throw new ConfigException("federation.bundle_endpoint: unknown profile " + profiles.keySet()
            + " (https_spiffe or https_web)");
      }
      if (web.has("acme") && web.has("serving_cert_file")) {
        throw new ConfigException("federation.bundle_endpoint profile \"https_web\": either acme or serving_cert_file "
            + "can be set, not both");
      }
      if (web.has("acme")) {
        return new ServerConfig.BundleEndpointSettings(address, port, refreshHint, FederationRelationship.HTTPS_WEB,
            null, null, null, acme(web.section("acme")));
      }
      if (!web.has("serving_cert_file")) {
        throw new ConfigException("federation.bundle_endpoint profile \"https_web\": acme or serving_cert_file is "
            + "required");
      }
      ConfigSection files = web.section("serving_cert_file");
      return new ServerConfig.BundleEndpointSettings(address, port, refreshHint, FederationRelationship.HTTPS_WEB,
          Path.of(files.requireString("cert_file_path")), Path.of(files.requireString("key_file_path")),
          files.getDuration("file_sync_interval", Duration.ofHours(1)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static ServerConfig.AcmeSettings acme(ConfigSection acme) {
    String directory = acme.getString("directory_url", ServerConfig.AcmeSettings.LETS_ENCRYPT.toString());
    try {
      return new ServerConfig.AcmeSettings(new URI(directory), acme.getString("domain_name", ""),
          acme.getString("email", ""), acme.getBool("tos_accepted", false));
    } catch (URISyntaxException e) {
      throw new ConfigException("federation.bundle_endpoint.acme.directory_url \"" + directory + "\" is not a url: "
          + e.getReason());
    }
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
