package dev.signet.attestors.workload.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import java.io.IOException;
import java.util.Optional;

/**
 * The two Docker Engine API calls the attestor needs: {@code GET /version} (to negotiate the API version
 * when none is configured, once) and {@code GET /v<version>/containers/<id>/json}.
 */
final class DockerEngineClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final UnixHttpClient http;
  private final String configuredVersion;
  private volatile String negotiatedVersion;

  DockerEngineClient(UnixHttpClient http, String configuredVersion) {
    this.http = http;
    this.configuredVersion = configuredVersion;
  }

  /** The container's inspection document; empty when the daemon does not know the container. */
  Optional<JsonNode> inspect(String containerId) throws WorkloadAttestationException {
    UnixHttpClient.Response response = call("/v" + version() + "/containers/" + containerId + "/json");
    if (response.status() == 404) {
      return Optional.empty();
    }
    return Optional.of(json(response, "container " + containerId));
  }

  private String version() throws WorkloadAttestationException {
    if (!configuredVersion.isEmpty()) {
      return configuredVersion;
    }
    String known = negotiatedVersion;
    if (known == null) {
      JsonNode version = json(call("/version"), "/version");
      known = version.path("ApiVersion").asText("");
      if (!known.matches("[0-9]+\\.[0-9]+")) {
        throw new WorkloadAttestationException(Kind.UNAVAILABLE, "docker daemon at " + http.socket()
            + " reported no usable ApiVersion in /version");
      }
      negotiatedVersion = known;
    }
    return known;
  }

  private UnixHttpClient.Response call(String path) throws WorkloadAttestationException {
    try {
      return http.get(path);
    } catch (IOException e) {
      throw new WorkloadAttestationException(Kind.UNAVAILABLE, "docker daemon at " + http.socket()
          + " did not answer GET " + path + ": " + e.getMessage(), e);
    }
  }

  private JsonNode json(UnixHttpClient.Response response, String what) throws WorkloadAttestationException {
    if (response.status() != 200) {
      throw new WorkloadAttestationException(Kind.UNAVAILABLE, "docker daemon at " + http.socket()
          + " answered HTTP " + response.status() + " for " + what + ": " + abbreviate(response.text()));
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new WorkloadAttestationException(Kind.UNAVAILABLE, "docker daemon at " + http.socket()
          + " sent malformed JSON for " + what, e);
    }
  }

  private static String abbreviate(String text) {
    String line = text.strip();
    return line.length() <= 200 ? line : line.substring(0, 200) + "…";
  }
}
