package dev.signet.agent.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the Workload API socket is: the {@code -socketPath} flag, else {@code SPIFFE_ENDPOINT_SOCKET}
 * ({@code unix:///path} or {@code unix:/path}, as the SPIFFE Workload Endpoint spec writes it), else SPIRE's
 * default {@code /tmp/spire-agent/public/api.sock}.
 */
public final class SocketPaths {
  public static final String ENV = "SPIFFE_ENDPOINT_SOCKET";
  static final Path DEFAULT = Path.of("/tmp/spire-agent/public/api.sock");

  private SocketPaths() {}

  public static Path resolve(String flag, Map<String, String> env) {
    if (flag != null && !flag.isEmpty()) {
      return Path.of(flag);
    }
    String endpoint = env.get(ENV);
    if (endpoint == null || endpoint.isEmpty()) {
      return DEFAULT;
    }
    if (endpoint.startsWith("unix://")) {
      String rest = endpoint.substring("unix://".length());
      if (!rest.startsWith("/")) {
        throw new IllegalArgumentException(ENV + " \"" + endpoint + "\" must not have an authority; use unix:///path");
      }
      return Path.of(rest);
    }
    if (endpoint.startsWith("unix:")) {
      String rest = endpoint.substring("unix:".length());
      if (!rest.startsWith("/")) {
        throw new IllegalArgumentException(ENV + " \"" + endpoint + "\" must name an absolute path");
      }
      return Path.of(rest);
    }
    throw new IllegalArgumentException(ENV + " \"" + endpoint + "\" is not a unix socket address (unix:///path); "
        + "tcp endpoints are not supported");
  }
}
