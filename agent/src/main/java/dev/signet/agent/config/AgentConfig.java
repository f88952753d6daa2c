package dev.signet.agent.config;

import dev.signet.common.config.HealthChecks;
import dev.signet.common.logging.LogOutput;
import dev.signet.attestors.node.AgentNodeAttestorDependencies;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.attestors.workload.WorkloadAttestorDependencies;
import dev.signet.agent.state.AgentKeyManagers;
import dev.signet.agent.sds.SdsConfig;
import dev.signet.agent.state.AgentStateStore;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.telemetry.TelemetryConfig;
import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.secret.Secret;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The checked, immutable agent configuration: what {@code agent.conf} plus flags mean once every key has
 * been validated. Built only by {@link AgentConfigLoader}, which serves {@code run} and {@code validate}.
 *
 * @param trustBundlePath the bootstrap bundle file; null with a URL or insecure bootstrap
 * @param trustBundleUrl an HTTPS URL serving the bootstrap bundle; null when unused
 * @param joinToken the join token, or null when another node attestor is used
 * @param keyManager {@code KeyManager "disk"} or {@code "memory"}, checked by {@link AgentKeyManagers}
 * @param healthChecks null when the HTTP health listener is disabled
 * @param workloadApiMaxCallsPerUid {@code workload_api_max_calls_per_uid}: Workload API calls (streams
 *     included) one uid may have in progress at once
 * @param allowInsecureDataDirPermissions {@code agent.allow_insecure_data_dir_permissions}: start even when
 *     {@code data_dir} or the agent's key in it is open to group or others (see {@code DataDirPermissions})
 * @param cryptoProvider {@code agent.crypto_provider}: the JCA provider that makes keys and signs CSRs (see
 *     {@link CryptoProviderMode}; default {@code auto})
 * @param logOutput {@code agent.log_format} and {@code agent.log_file} (null: text on stderr)
 * @param sds {@code agent.sds}: Envoy SDS resource names (null: SPIRE's defaults)
 * @param telemetry the {@code telemetry {}} block (null: none; nothing measured, no metrics class loaded)
 */
public record AgentConfig(
    TrustDomain trustDomain,
    String serverAddress,
    int serverPort,
    Path socketPath,
    Path adminSocketPath,
    Path dataDir,
    String logLevel,
    Path trustBundlePath,
    String trustBundleUrl,
    String trustBundleFormat,
    boolean insecureBootstrap,
    Secret joinToken,
    List<SpiffeId> authorizedDelegates,
    KeyType workloadKeyType,
    int x509SvidCacheMaxSize,
    int jwtSvidCacheMaxSize,
    Duration syncInterval,
    ConfiguredPlugin<AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> nodeAttestor,
    ConfiguredPlugin<Path, AgentStateStore> keyManager,
    List<ConfiguredPlugin<WorkloadAttestorDependencies, WorkloadAttestor>> workloadAttestors,
    HealthChecks healthChecks,
    int workloadApiMaxCallsPerUid, boolean allowInsecureDataDirPermissions, CryptoProviderMode cryptoProvider,
    LogOutput logOutput, SdsConfig sds, TelemetryConfig telemetry) {

  public AgentConfig {
    cryptoProvider = cryptoProvider == null ? CryptoProviderMode.AUTO : cryptoProvider;
    logOutput = logOutput == null ? LogOutput.DEFAULT : logOutput;
    sds = sds == null ? SdsConfig.DEFAULT : sds;
    telemetry = telemetry == null ? TelemetryConfig.NONE : telemetry;
    Objects.requireNonNull(trustDomain, "trust_domain");
    Objects.requireNonNull(nodeAttestor, "NodeAttestor");
    authorizedDelegates = List.copyOf(authorizedDelegates);
    workloadAttestors = List.copyOf(workloadAttestors);
    if (workloadApiMaxCallsPerUid < 1) {
      throw new IllegalArgumentException("workload_api_max_calls_per_uid " + workloadApiMaxCallsPerUid + " is below 1");
    }
    if (serverPort < 1 || serverPort > 65535) {
      throw new IllegalArgumentException("server_port " + serverPort + " is out of range");
    }
  }

  /** Every configured built-in plugin, for {@code validate}'s host checks. */
  public List<ConfiguredPlugin<?, ?>> plugins() {
    List<ConfiguredPlugin<?, ?>> all = new java.util.ArrayList<>(workloadAttestors);
    all.add(nodeAttestor);
    all.add(keyManager);
    return List.copyOf(all);
  }

  /** {@code directory} of {@code KeyManager "disk"}; null for {@code KeyManager "memory"}. */
  public Path keyManagerDirectory() {
    return keyManager.config() instanceof AgentKeyManagers.DiskConfig disk ? disk.directory() : null;
  }

  /** The SPIFFE ID the server must present: {@code spiffe://<td>/spire/server}. */
  public SpiffeId serverId() {
    return trustDomain.id("/spire/server");
  }

  @Override
  public String toString() {
    return "AgentConfig[trustDomain=" + trustDomain + ", server=" + serverAddress + ":" + serverPort
        + ", socketPath=" + socketPath + ", dataDir=" + dataDir + ", joinToken=" + (joinToken == null ? "none" : "<set>")
        + "]";
  }

  /** {@code health_checks} with the listener enabled. */
}
