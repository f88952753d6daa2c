package dev.signet.attestors.workload.unix;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;

/**
 * The {@code plugin_data} of {@code WorkloadAttestor "unix"}, with SPIRE's keys and defaults.
 *
 * @param discoverWorkloadPath {@code discover_workload_path}: also emit {@code path} and {@code sha256}
 *     selectors (needs the agent to be able to read {@code /proc/<pid>/exe}); default false
 * @param workloadSizeLimit {@code workload_size_limit}: largest binary, in bytes, the attestor will hash for
 *     the {@code sha256} selector; 0 means no limit and a negative value means never hash; default 0
 */
public record UnixAttestorConfig(boolean discoverWorkloadPath, long workloadSizeLimit) {
  /** SPIRE's defaults: no path discovery, no size limit. */
  public static final UnixAttestorConfig DEFAULT = new UnixAttestorConfig(false, 0);

  /** Reads and checks {@code plugin_data}; unknown keys are an error. */
  public static UnixAttestorConfig from(ConfigSection data) {
    UnixAttestorConfig config = new UnixAttestorConfig(
        data.getBool("discover_workload_path", false),
        data.getLong("workload_size_limit", 0));
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
    return config;
  }

  /** True when the {@code sha256} selector is computed at all. */
  public boolean hashesBinaries() {
    return discoverWorkloadPath && workloadSizeLimit >= 0;
  }
}
