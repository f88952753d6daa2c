package dev.signet.server.oidc;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.config.HclDocument;
import dev.signet.common.logging.LogOutput;
import dev.signet.common.spiffe.TrustDomain;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads SPIRE's {@code oidc-discovery-provider.conf} (HCL, the same parser as {@code server.conf}) into an
 * {@link OidcConfig}. Unknown keys are errors. {@code acme} and {@code listen_socket_path} are refused with the
 * reason: Signet does not talk to ACME CAs, and its HTTP stack (Helidon) binds TCP sockets only.
 */
public final class OidcConfigLoader {
  private static final Duration DEFAULT_POLL = Duration.ofSeconds(10);
  private static final Set<String> LEVELS = Set.of("DEBUG", "INFO", "WARN", "ERROR");

  private OidcConfigLoader() {}

  /** Reads and checks {@code file}. */
  public static OidcConfig load(Path file) {
    return parse(HclDocument.load(file));
  }

  /** Checks an already parsed document. */
  public static OidcConfig parse(HclDocument document) {
    ConfigSection root = document.root();
    if (root.has("acme")) {
      throw new ConfigException("acme is not supported by signet's oidc discovery provider: obtain a certificate "
          + "elsewhere and name its files in serving_cert_file, or serve behind a tls-terminating proxy");
    }
    if (root.has("listen_socket_path")) {
      throw new ConfigException("listen_socket_path \"" + root.getString("listen_socket_path", "")
          + "\" is not supported: signet's http stack listens on tcp only; use insecure_addr on a loopback "
          + "address behind the proxy instead");
    }
    List<String> domains = root.getList("domains");
    if (domains.isEmpty()) {
      throw new ConfigException("domains must list at least one domain");
    }
    String jwtIssuer = root.getString("jwt_issuer").filter(s -> !s.isEmpty()).map(OidcConfigLoader::issuer)
        .orElse(null);
    boolean setKeyUse = root.getBool("set_key_use", false);
    boolean allowInsecureScheme = root.getBool("allow_insecure_scheme", false);
    OidcConfig.ListenAddress insecureAddr = root.getString("insecure_addr").filter(s -> !s.isEmpty())
        .map(text -> listen("insecure_addr", text)).orElse(null);
    OidcConfig.ServingCert servingCert = root.has("serving_cert_file") ? servingCert(root.section("serving_cert_file")) : null;
    if (insecureAddr != null && servingCert != null) {
      throw new ConfigException("insecure_addr and serving_cert_file are mutually exclusive");
    }
    if (insecureAddr == null && servingCert == null) {
      throw new ConfigException("one of serving_cert_file or insecure_addr must be set");
    }
    if (allowInsecureScheme && insecureAddr == null) {
      throw new ConfigException("allow_insecure_scheme only works with insecure_addr");
    }
    OidcConfig.KeySourceSettings keySource = keySource(root);
    OidcConfig.HealthSettings health = root.has("health_checks") ? health(root.section("health_checks")) : null;
    String logLevel = root.getString("log_level", "info").toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(logLevel)) {
      throw new ConfigException("log_level \"" + logLevel.toLowerCase(Locale.ROOT)
          + "\" is not one of error, warn, info, debug");
    }
    LogOutput logOutput = LogOutput.parse("oidc-discovery", root.getString("log_format").filter(s -> !s.isEmpty())
        .orElse(null), root.getString("log_path").filter(s -> !s.isEmpty()).orElse(null));
    boolean logRequests = root.getBool("log_requests", false);
    String prefix = pathPrefix(root.getString("server_path_prefix", "/"));
    root.requireNoUnknownKeys();
    try {
      return new OidcConfig(domains, jwtIssuer, setKeyUse, allowInsecureScheme, insecureAddr, servingCert, keySource,
          health, logLevel, logOutput, logRequests, prefix);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private static OidcConfig.KeySourceSettings keySource(ConfigSection root) {
    boolean server = root.has("server_api");
    boolean workload = root.has("workload_api");
    if (server == workload) {
      throw new ConfigException(server ? "server_api and workload_api are mutually exclusive"
          : "one of server_api or workload_api must be set");
    }
    try {
      if (server) {
        ConfigSection api = root.section("server_api");
        return new OidcConfig.ServerApi(unixAddress(api.requireString("address")),
            api.getDuration("poll_interval", DEFAULT_POLL));
      }
      ConfigSection api = root.section("workload_api");
      return new OidcConfig.WorkloadApi(Path.of(api.requireString("socket_path")),
          TrustDomain.parse(api.requireString("trust_domain")), api.getDuration("poll_interval", DEFAULT_POLL));
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** SPIRE's gRPC target for the server API: only the unix name system, {@code unix:///path} or {@code unix:/path}. */
  static Path unixAddress(String address) {
    String path;
    if (address.startsWith("unix://")) {
      path = address.substring("unix://".length());
    } else if (address.startsWith("unix:")) {
      path = address.substring("unix:".length());
    } else {
      throw new ConfigException("server_api.address \"" + address + "\" must be a unix:///path target");
    }
    if (!path.startsWith("/")) {
      throw new ConfigException("server_api.address \"" + address + "\" must name an absolute socket path");
    }
    return Path.of(path);
  }

  private static OidcConfig.ServingCert servingCert(ConfigSection section) {
    Path cert = Path.of(section.requireString("cert_file_path"));
    Path key = Path.of(section.requireString("key_file_path"));
    Duration sync = section.getDuration("file_sync_interval", Duration.ofMinutes(1));
    OidcConfig.ListenAddress addr = listen("serving_cert_file.addr", section.getString("addr", ":443"));
    try {
      return new OidcConfig.ServingCert(cert, key, sync, addr);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private static OidcConfig.HealthSettings health(ConfigSection section) {
    String portText = section.getString("bind_port", "8008");
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new ConfigException("health_checks.bind_port \"" + portText + "\" is not a port number", e);
    }
    try {
      return new OidcConfig.HealthSettings(port, section.getString("ready_path", "/ready"),
          section.getString("live_path", "/live"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private static OidcConfig.ListenAddress listen(String key, String text) {
    try {
      return OidcConfig.ListenAddress.parse(key, text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** The issuer must be an absolute http(s) URL without query or fragment (OIDC Discovery §3). */
  private static String issuer(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new ConfigException("jwt_issuer \"" + text + "\" is not a url", e);
    }
    if (uri.getScheme() == null || !Set.of("https", "http").contains(uri.getScheme()) || uri.getHost() == null
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new ConfigException("jwt_issuer \"" + text + "\" must be an http(s) url with a host and no query or fragment");
    }
    return text;
  }

  private static String pathPrefix(String text) {
    if (!text.startsWith("/") || text.contains("?") || text.contains("#") || text.contains("//")) {
      throw new ConfigException("server_path_prefix \"" + text + "\" must be an absolute path such as \"/oidc\"");
    }
    return text.length() > 1 && text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }
}
