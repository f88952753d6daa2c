package dev.signet.attestors.workload.k8s;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code plugin_data} of {@code WorkloadAttestor "k8s"}, with SPIRE's keys and defaults.
 *
 * @param readOnlyPort {@code kubelet_read_only_port}: plain HTTP to the kubelet when non-zero (deprecated
 *     by Kubernetes; no authentication)
 * @param securePort {@code kubelet_secure_port} (10250)
 * @param caPath {@code kubelet_ca_path}: CA to verify the kubelet with
 * @param skipVerification {@code skip_kubelet_verification}
 * @param tokenPath {@code token_path}: bearer token for the secure port (read on every pod-list fetch, so a
 *     rotated projected token is picked up)
 * @param certificatePath {@code certificate_path} and {@code privateKeyPath} {@code private_key_path}: a client
 *     certificate for the secure port instead of the token
 * @param nodeName the kubelet's host: {@code node_name}, else the variable {@code node_name_env} names
 *     ({@code MY_NODE_NAME}), else 127.0.0.1
 * @param maxPollAttempts {@code max_poll_attempts} (60) and {@code pollRetryInterval}
 *     {@code poll_retry_interval} (500ms): how long to wait for a just-started container to be listed
 * @param disableContainerSelectors {@code disable_container_selectors}: pod selectors only
 * @param podListTtl how long one pod list answers lookups ({@code pod_list_cache_ttl}, Signet, 1s)
 */
public record K8sAttestorConfig(int readOnlyPort, int securePort, Path caPath, boolean skipVerification,
    Path tokenPath, Path certificatePath, Path privateKeyPath, String nodeName, int maxPollAttempts,
    Duration pollRetryInterval, boolean disableContainerSelectors, Duration podListTtl) {

  /** Reads and checks {@code plugin_data}; unknown keys are an error. */
  public static K8sAttestorConfig from(ConfigSection data) {
    String nodeName = data.getString("node_name", "");
    if (nodeName.isEmpty()) {
      String variable = data.getString("node_name_env", "MY_NODE_NAME");
      nodeName = System.getenv().getOrDefault(variable, "");
    }
    String certificate = data.getString("certificate_path", "");
    String key = data.getString("private_key_path", "");
    if (certificate.isEmpty() != key.isEmpty()) {
      throw new ConfigException("certificate_path and private_key_path go together");
    }
    for (String accepted : List.of("use_new_container_locator", "verbose_container_locator_logs")) {
      data.accept(accepted); // Signet always uses its container locator; the keys are accepted as SPIRE's
    }
    K8sAttestorConfig config = new K8sAttestorConfig(
        port(data, "kubelet_read_only_port", 0), port(data, "kubelet_secure_port", 10250),
        Path.of(data.getString("kubelet_ca_path", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")),
        data.getBool("skip_kubelet_verification", false),
        Path.of(data.getString("token_path", "/var/run/secrets/kubernetes.io/serviceaccount/token")),
        certificate.isEmpty() ? null : Path.of(certificate), key.isEmpty() ? null : Path.of(key),
        nodeName.isEmpty() ? "127.0.0.1" : nodeName,
        data.getInt("max_poll_attempts", 60), data.getDuration("poll_retry_interval", Duration.ofMillis(500)),
        data.getBool("disable_container_selectors", false),
        data.getDuration("pod_list_cache_ttl", Duration.ofSeconds(1)));
    if (config.maxPollAttempts() < 1) {
      throw new ConfigException("max_poll_attempts must be at least 1");
    }
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
    return config;
  }

  private static int port(ConfigSection data, String key, int defaultValue) {
    int port = data.getInt(key, defaultValue);
    if (port < 0 || port > 65535) {
      throw new ConfigException(key + " " + port + " is not a port");
    }
    return port;
  }
}
