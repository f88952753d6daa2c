package dev.signet.server.config;

import dev.signet.common.config.HealthChecks;
import dev.signet.common.logging.LogOutput;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.attestors.node.NodeAttestorDependencies;
import dev.signet.ca.keymanager.DiskKeyManager;
import dev.signet.ca.keymanager.KeyManager;
import dev.signet.ca.upstream.UpstreamAuthority;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.FederationRelationship;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.common.telemetry.TelemetryConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import java.util.Objects;
import java.util.Optional;

/**
 * The checked, immutable server configuration: what {@code server.conf} plus flags mean once every
 * key has been validated. Built only by {@link ServerConfigLoader}, which serves {@code run} and
 * {@code validate} alike.
 *
 * @param allowInsecureDataDirPermissions {@code server.allow_insecure_data_dir_permissions}: start even when
 *     {@code data_dir} or a secret file in it is open to group or others (see {@code DataDirPermissions})
 * @param cryptoProvider {@code server.crypto_provider}: the JCA provider that signs and verifies (see
 *     {@link CryptoProviderMode}; default {@code auto})
 * @param logOutput {@code server.log_format} and {@code server.log_file} (null: text on stderr)
 * @param telemetry the {@code telemetry {}} block (null: none, nothing measured)
 */
public record ServerConfig(
    TrustDomain trustDomain,
    String bindAddress,
    int bindPort,
    Path socketPath,
    Path dataDir,
    String logLevel,
    Duration caTtl,
    Duration defaultX509SvidTtl,
    Duration defaultJwtSvidTtl,
    Duration agentTtl,
    KeyType caKeyType,
    KeyType jwtKeyType,
    CaSubject caSubject,
    String jwtIssuer,
    List<SpiffeId> adminIds,
    boolean attestationRateLimit,
    boolean signingRateLimit,
    SqlConfig dataStore,
    ConfiguredPlugin<Void, KeyManager> keyManager,
    ConfiguredPlugin<Void, UpstreamAuthority> upstreamAuthority,
    List<ConfiguredPlugin<NodeAttestorDependencies, NodeAttestor>> nodeAttestors,
    HealthChecks healthChecks,
    AccessApiSettings accessApi,
    AuditSettings audit,
    FederationSettings federation,
    boolean allowInsecureDataDirPermissions,
    CryptoProviderMode cryptoProvider,
    LogOutput logOutput,
    TelemetryConfig telemetry) {

  public ServerConfig {
    telemetry = telemetry == null ? TelemetryConfig.NONE : telemetry;
    cryptoProvider = cryptoProvider == null ? CryptoProviderMode.AUTO : cryptoProvider;
    logOutput = logOutput == null ? LogOutput.DEFAULT : logOutput;
    Objects.requireNonNull(trustDomain, "trust_domain");
    federation = federation == null ? FederationSettings.NONE : federation;
    adminIds = List.copyOf(adminIds);
    nodeAttestors = List.copyOf(nodeAttestors);
    if (bindPort < 0 || bindPort > 65535) {
      throw new IllegalArgumentException("bind_port " + bindPort + " is out of range");
    }
  }

  /** Every configured built-in plugin, for {@code validate}'s host checks. */
  public List<ConfiguredPlugin<?, ?>> plugins() {
    List<ConfiguredPlugin<?, ?>> all = new java.util.ArrayList<>(nodeAttestors);
    all.add(keyManager);
    if (upstreamAuthority != null) {
      all.add(upstreamAuthority);
    }
    return List.copyOf(all);
  }

  /** {@code keys_path} of {@code KeyManager "disk"}; empty with {@code KeyManager "memory"}. */
  public Optional<Path> keysPath() {
    return keyManager.config() instanceof DiskKeyManager.Config disk ? Optional.of(disk.keysPath()) : Optional.empty();
  }

  /** The server's own ID, {@code spiffe://<td>/spire/server}. */
  public SpiffeId serverId() {
    return trustDomain.id("/spire/server");
  }

  /** {@code health_checks}; null when the listener is disabled. */

  /**
   * The audit trail: {@code server.audit_log_path} (default {@code <data_dir>/audit.log}) and
   * {@code server.audit_log_fail_closed} (default false). The trail's key is always
   * {@code <data_dir>/audit.key} ({@link dev.signet.server.audit.AuditKey#FILE_NAME}), kept apart from the
   * trail, which may be elsewhere.
   */
  public record AuditSettings(Path path, boolean failClosed) {}

  /**
   * Signet's {@code access_api} block (the access layer's REST API); null when absent.
   *
   * @param audiences the JWT-SVID audiences accepted from callers
   * @param policyDir {@code policy_dir}: the policy files; null means no policies (every evaluation denies)
   * @param adminIds {@code admin_ids}: the callers allowed to use the mutating endpoints (with
   *     {@code server.admin_ids})
   * @param tls {@code tls}: serve HTTPS with the server's SVID and accept X509-SVID client certificates
   * @param decisionClients {@code decision_clients}: policy enforcement points that may ask for decisions
   *     about other identities (which then count in those identities' trust scores); anyone else may ask
   *     only about itself
   * @param allowedTrustDomains {@code allowed_trust_domains}: the trust domains whose SVIDs may call the API
   *     (default: the server's own; federated domains are opt-in)
   */
  public record AccessApiSettings(String bindAddress, int bindPort, List<String> audiences, Path policyDir,
      List<SpiffeId> adminIds, boolean tls, List<SpiffeId> decisionClients, List<TrustDomain> allowedTrustDomains) {
    public AccessApiSettings {
      audiences = List.copyOf(audiences);
      adminIds = List.copyOf(adminIds);
      decisionClients = List.copyOf(decisionClients);
      allowedTrustDomains = List.copyOf(allowedTrustDomains);
      if (bindPort < 0 || bindPort > 65535) {
        throw new IllegalArgumentException("access_api.bind_port " + bindPort + " is out of range");
      }
      if (audiences.isEmpty()) {
        throw new IllegalArgumentException("access_api.audience must name at least one audience");
      }
    }
  }

  /**
   * {@code server.federation}: this server's own bundle endpoint (null when not served) and the
   * {@code federates_with} relationships, which the server stores at start-up (created or updated).
   */
  public record FederationSettings(BundleEndpointSettings bundleEndpoint, List<FederationRelationship> federatesWith) {
    public static final FederationSettings NONE = new FederationSettings(null, List.of());

    public FederationSettings {
      federatesWith = List.copyOf(federatesWith);
    }
  }

  /**
   * {@code federation.bundle_endpoint}: where this server serves its bundle. Profile {@code https_spiffe}
   * presents the server's SVID; {@code https_web} presents either the certificate and key in {@code certFile} and
   * {@code keyFile}, re-read every {@code fileSyncInterval}, or, when {@code acme} is set, a certificate this
   * server obtains and renews from an ACME CA.
   */
  public record BundleEndpointSettings(String address, int port, Duration refreshHint, String profile, Path certFile,
      Path keyFile, Duration fileSyncInterval, AcmeSettings acme) {
    public BundleEndpointSettings {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("federation.bundle_endpoint.port " + port + " is out of range");
      }
      if (refreshHint.isNegative() || refreshHint.isZero()) {
        throw new IllegalArgumentException("federation.bundle_endpoint.refresh_hint must be positive");
      }
      if (fileSyncInterval != null && (fileSyncInterval.isNegative() || fileSyncInterval.isZero())) {
        throw new IllegalArgumentException("federation.bundle_endpoint serving_cert_file.file_sync_interval must be "
            + "positive");
      }
      if (acme != null && certFile != null) {
        throw new IllegalArgumentException("federation.bundle_endpoint: acme and serving_cert_file exclude each other");
      }
    }

    /** A bundle endpoint that serves a certificate from files, or the server's SVID ({@code https_spiffe}). */
    public BundleEndpointSettings(String address, int port, Duration refreshHint, String profile, Path certFile,
        Path keyFile, Duration fileSyncInterval) {
      this(address, port, refreshHint, profile, certFile, keyFile, fileSyncInterval, null);
    }
  }

  /**
   * SPIRE's {@code acme { directory_url, domain_name, email, tos_accepted }}: the ACME CA whose certificate for
   * {@code domainName} the {@code https_web} bundle endpoint serves. The account is registered with
   * {@code email}; the CA's terms of service are agreed to only when {@code tosAccepted} says so.
   */
  public record AcmeSettings(URI directoryUrl, String domainName, String email, boolean tosAccepted) {
    /** SPIRE's default directory, Let's Encrypt's production CA. */
    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    /** Letters, digits and inner hyphens in dot-separated labels: also what makes it safe as a file name. */
    private static final java.util.regex.Pattern DNS_NAME =
        java.util.regex.Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    public AcmeSettings {
      if (!"https".equalsIgnoreCase(directoryUrl.getScheme()) || directoryUrl.getHost() == null) {
        throw new IllegalArgumentException("federation.bundle_endpoint.acme.directory_url \"" + directoryUrl
            + "\" must be an https url");
      }
      if (domainName.isBlank()) {
        throw new IllegalArgumentException("federation.bundle_endpoint.acme.domain_name must be configured");
      }
      if (!DNS_NAME.matcher(domainName).matches()) {
        throw new IllegalArgumentException("federation.bundle_endpoint.acme.domain_name \"" + domainName
            + "\" is not a dns name");
      }
      if (email.isBlank()) {
        throw new IllegalArgumentException("federation.bundle_endpoint.acme.email must be configured");
      }
    }
  }
}
