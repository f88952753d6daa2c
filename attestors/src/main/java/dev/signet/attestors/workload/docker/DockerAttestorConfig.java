package dev.signet.attestors.workload.docker;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code plugin_data} of {@code WorkloadAttestor "docker"}: SPIRE's keys and defaults, plus
 * Signet's {@code env_allowlist}.
 *
 * @param socket {@code docker_socket_path} ({@code unix:///var/run/docker.sock}; a plain path works too)
 * @param apiVersion {@code docker_version}, e.g. {@code 1.43}; empty asks the daemon ({@code GET /version})
 * @param cgroupMatchers {@code container_id_cgroup_matchers}: cgroup path patterns with {@code *} and
 *     {@code <id>}; empty uses the runtimes' standard layouts
 * @param envAllowlist {@code env_allowlist}: the environment variables that become {@code docker:env}
 *     selectors. Signet's default is none: SPIRE turns every variable into a selector, which copies
 *     whatever secrets a container's environment holds into the agent's memory and debug logs
 * @param timeout how long one call to the Docker daemon may take ({@code timeout}, default 5s)
 */
public record DockerAttestorConfig(Path socket, String apiVersion, List<String> cgroupMatchers,
    Set<String> envAllowlist, Duration timeout) {
  static final String DEFAULT_SOCKET = "unix:///var/run/docker.sock";

  /** SPIRE's defaults. */
  public static final DockerAttestorConfig DEFAULT = new DockerAttestorConfig(Path.of("/var/run/docker.sock"), "",
      List.of(), Set.of(), Duration.ofSeconds(5));

  /** Reads and checks {@code plugin_data}; unknown keys are an error. */
  public static DockerAttestorConfig from(ConfigSection data) {
    String socket = data.getString("docker_socket_path", DEFAULT_SOCKET);
    String version = data.getString("docker_version", "");
    if (!version.isEmpty() && !version.matches("v?[0-9]+\\.[0-9]+")) {
      throw new ConfigException("docker_version \"" + version
          + "\" is not an API version such as 1.43");
    }
    DockerAttestorConfig config = new DockerAttestorConfig(socketPath(socket),
        version.startsWith("v") ? version.substring(1) : version,
        data.getList("container_id_cgroup_matchers"), Set.copyOf(data.getList("env_allowlist")),
        data.getDuration("timeout", Duration.ofSeconds(5)));
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
    return config;
  }

  private static Path socketPath(String value) {
    String path = value.startsWith("unix://") ? value.substring("unix://".length()) : value;
    if (!path.startsWith("/")) {
      throw new ConfigException("docker_socket_path \"" + value
          + "\" must be unix:///absolute/path (TCP daemons are not supported)");
    }
    return Path.of(path);
  }
}
