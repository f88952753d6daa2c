package dev.signet.server.oidc;

import dev.signet.common.logging.LogOutput;
import dev.signet.common.spiffe.TrustDomain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The checked configuration of {@code signet-server oidc-discovery}, made by {@link OidcConfigLoader} from the
 * keys of SPIRE's {@code oidc-discovery-provider.conf}.
 *
 * @param domains the host names requests may name (Host or X-Forwarded-Host); any other is refused
 * @param jwtIssuer the fixed issuer URL of the discovery document, or null to derive it from the request's host
 * @param setKeyUse whether each JWK carries {@code use: "sig"}
 * @param allowInsecureScheme whether a plain-HTTP request gets {@code http://} URLs in the document
 * @param insecureAddr a plain-HTTP listener ({@code host:port}), or null
 * @param servingCert the HTTPS listener with its certificate files, or null
 * @param keySource where the trust domain's JWT authorities come from
 * @param health the health listener, or null when {@code health_checks} is absent
 * @param serverPathPrefix the path under which both endpoints are served ({@code "/"} for the root)
 */
public record OidcConfig(List<String> domains, String jwtIssuer, boolean setKeyUse, boolean allowInsecureScheme,
    ListenAddress insecureAddr, ServingCert servingCert, KeySourceSettings keySource, HealthSettings health,
    String logLevel, LogOutput logOutput, boolean logRequests, String serverPathPrefix) {

  public OidcConfig {
    domains = List.copyOf(domains);
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("domains must list at least one domain");
    }
    Objects.requireNonNull(keySource, "keySource");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(logOutput, "logOutput");
    Objects.requireNonNull(serverPathPrefix, "serverPathPrefix");
    if (insecureAddr == null && servingCert == null) {
      throw new IllegalArgumentException("one of serving_cert_file or insecure_addr must be set");
    }
  }

  /** A TCP listen address: {@code ":443"} binds every interface. */
  public record ListenAddress(String host, int port) {
    public ListenAddress {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is out of range");
      }
    }

    /** Parses {@code host:port}, {@code :port} or {@code [v6]:port}; {@code key} names the setting in errors. */
    public static ListenAddress parse(String key, String text) {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(key + " \"" + text + "\" is not host:port");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port;
      try {
        port = Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " \"" + text + "\" has no numeric port", e);
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(key + " \"" + text + "\" has a port out of range");
      }
      return new ListenAddress(host.isEmpty() ? "0.0.0.0" : host, port);
    }
  }

  /** {@code serving_cert_file}: PEM files polled every {@code syncInterval} and reloaded when they change. */
  public record ServingCert(Path certFile, Path keyFile, Duration syncInterval, ListenAddress addr) {
    public ServingCert {
      Objects.requireNonNull(certFile, "certFile");
      Objects.requireNonNull(keyFile, "keyFile");
      Objects.requireNonNull(addr, "addr");
      if (syncInterval.isNegative() || syncInterval.isZero()) {
        throw new IllegalArgumentException("serving_cert_file.file_sync_interval must be positive, got " + syncInterval);
      }
    }
  }

  /** Where the JWT authorities come from, and how often they are fetched again. */
  public sealed interface KeySourceSettings {
    Duration pollInterval();
  }

  /** {@code server_api}: {@code bundle.v1.GetBundle} on the server's admin socket. */
  public record ServerApi(Path socket, Duration pollInterval) implements KeySourceSettings {
    public ServerApi {
      Objects.requireNonNull(socket, "socket");
      requirePositive("server_api.poll_interval", pollInterval);
    }
  }

  /** {@code workload_api}: {@code FetchJWTBundles} on an agent's Workload API, picking {@code trustDomain}. */
  public record WorkloadApi(Path socket, TrustDomain trustDomain, Duration pollInterval) implements KeySourceSettings {
    public WorkloadApi {
      Objects.requireNonNull(socket, "socket");
      Objects.requireNonNull(trustDomain, "trustDomain");
      requirePositive("workload_api.poll_interval", pollInterval);
    }
  }

  /** {@code health_checks}: {@code /ready} and {@code /live} on a localhost listener. */
  public record HealthSettings(int bindPort, String readyPath, String livePath) {
    public HealthSettings {
      if (bindPort < 0 || bindPort > 65535) {
        throw new IllegalArgumentException("health_checks.bind_port " + bindPort + " is out of range");
      }
      if (!readyPath.startsWith("/") || !livePath.startsWith("/")) {
        throw new IllegalArgumentException("health_checks paths must start with \"/\", got \"" + readyPath
            + "\" and \"" + livePath + "\"");
      }
    }
  }

  private static void requirePositive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, got " + value);
    }
  }
}
