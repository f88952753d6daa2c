package dev.signet.agent.config;

import dev.signet.common.logging.LogOutput;
import dev.signet.attestors.node.AgentNodeAttestorDependencies;
import dev.signet.attestors.node.AgentNodeAttestors;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.attestors.node.jointoken.JoinTokenNames;
import dev.signet.attestors.workload.BuiltInWorkloadAttestors;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.attestors.workload.WorkloadAttestorDependencies;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.common.plugin.CoreConfig;
import dev.signet.agent.state.AgentKeyManagers;
import dev.signet.agent.sds.SdsConfig;
import dev.signet.agent.state.AgentStateStore;
import dev.signet.agent.workload.PerUidQuotas;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.config.HealthChecks;
import dev.signet.common.config.NamedPipeName;
import dev.signet.common.config.TelemetrySection;
import dev.signet.common.telemetry.TelemetryConfig;
import dev.signet.common.config.HclDocument;
import dev.signet.common.config.PluginBlock;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.files.DataDirPermissions;
import dev.signet.common.secret.Secret;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Turns {@code agent.conf} plus {@code run} flags into a checked {@link AgentConfig}; the one function
 * behind both {@code run} and {@code validate}. Unknown keys are errors; SPIRE keys Signet accepts without
 * acting on them are returned as warnings, so a SPIRE config starts unchanged.
 */
public final class AgentConfigLoader {
  private static final Set<String> ACCEPTED_NO_EFFECT = Set.of("log_source_location",
      "profiling_enabled", "profiling_port", "profiling_freq", "profiling_names",
      "allow_unauthenticated_verifiers", "allowed_foreign_jwt_claims", "availability_target", "require_pq_kem",
      "retry_bootstrap", "rebootstrap_mode", "rebootstrap_delay");
  private static final Set<String> IGNORED_PLUGIN_TYPES = Set.of("SVIDStore");
  /** The plugin types the agent builds in, one catalog each. */
  private static final Set<String> CATALOG_TYPES = Set.of(AgentNodeAttestors.CATALOG.type(),
      AgentKeyManagers.CATALOG.type(), BuiltInWorkloadAttestors.CATALOG.type());

  private final List<String> warnings = new ArrayList<>();

  private AgentConfigLoader() {}

  /** The result: the config and what the operator should be told about it. */
  public record Loaded(AgentConfig config, List<String> warnings) {
    public Loaded {
      warnings = List.copyOf(warnings);
    }
  }

  /** Reads, expands (when asked) and checks a config file. */
  public static Loaded load(Path file, AgentFlags flags) {
    return parse(HclDocument.load(file, flags.expandEnv()), flags);
  }

  /** Checks an already parsed document. */
  public static Loaded parse(HclDocument document, AgentFlags flags) {
    AgentConfigLoader loader = new AgentConfigLoader();
    return new Loaded(loader.build(document.root(), flags), loader.warnings);
  }

  private AgentConfig build(ConfigSection root, AgentFlags flags) {
    ConfigSection agent = root.section("agent");
    TrustDomain trustDomain = TrustDomain.parse(required("agent.trust_domain",
        or(flags.trustDomain(), agent.getString("trust_domain").orElse(null))));
    String serverAddress = or(flags.serverAddress(), agent.getString("server_address").orElse(null));
    required("agent.server_address", serverAddress);
    int filePort = agent.getInt("server_port", 8081);
    int serverPort = flags.serverPort() != null ? flags.serverPort() : filePort;
    Path socketPath = Path.of(or(text(flags.socketPath()),
        agent.getString("socket_path", "/tmp/spire-agent/public/api.sock")));
    Path adminSocket = agent.getString("admin_socket_path").map(Path::of).orElse(null);
    if (adminSocket != null && adminSocket.toAbsolutePath().getParent().equals(socketPath.toAbsolutePath().getParent())) {
      throw new ConfigException("agent.admin_socket_path must not be in the same directory as the Workload API "
          + "socket (" + socketPath + ")");
    }
    Path dataDir = Path.of(required("agent.data_dir", or(text(flags.dataDir()), agent.getString("data_dir").orElse(null))));
    String logLevel = or(flags.logLevel(), agent.getString("log_level", "INFO")).toUpperCase(Locale.ROOT);
    if (!Set.of("DEBUG", "INFO", "WARN", "ERROR", "TRACE").contains(logLevel)) {
      throw new ConfigException("agent.log_level \"" + logLevel + "\" is not one of DEBUG, INFO, WARN, ERROR");
    }
    LogOutput logOutput = LogOutput.parse("agent", agent.getString("log_format").orElse(null),
        agent.getString("log_file").orElse(null));
    Path fileBundlePath = agent.getString("trust_bundle_path").map(Path::of).orElse(null);
    Path bundlePath = flags.trustBundle() != null ? flags.trustBundle() : fileBundlePath;
    String bundleUrl = or(flags.trustBundleUrl(), agent.getString("trust_bundle_url").orElse(null));
    String bundleFormat = agent.getString("trust_bundle_format", "pem");
    if (!Set.of("pem", "spiffe").contains(bundleFormat)) {
      throw new ConfigException("agent.trust_bundle_format \"" + bundleFormat + "\" is not pem or spiffe");
    }
    boolean fileInsecure = agent.getBool("insecure_bootstrap", false);
    boolean insecure = flags.insecureBootstrap() != null ? flags.insecureBootstrap() : fileInsecure;
    checkBootstrap(bundlePath, bundleUrl, insecure);
    Secret joinToken = joinToken(agent, flags);
    List<SpiffeId> delegates = agent.getList("authorized_delegates").stream().map(SpiffeId::parse).toList();
    KeyType keyType = KeyType.fromConfigName(agent.getString("workload_x509_svid_key_type", "ec-p256"));
    int x509CacheSize = nonNegative("x509_svid_cache_max_size", agent.getInt("x509_svid_cache_max_size", 1000));
    int jwtCacheSize = nonNegative("jwt_svid_cache_max_size", agent.getInt("jwt_svid_cache_max_size", 1000));
    // Signet's own key (SPIRE has no such limit): see PerUidQuotas and README "Resource limits".
    int callsPerUid = agent.getInt("workload_api_max_calls_per_uid", PerUidQuotas.DEFAULT_MAX_CALLS_PER_UID);
    if (callsPerUid < 1) {
      throw new ConfigException("agent.workload_api_max_calls_per_uid must be at least 1, got " + callsPerUid);
    }
    boolean allowInsecureDataDir = agent.getBool(DataDirPermissions.OPT_OUT_KEY, false);
    CryptoProviderMode cryptoProvider;
    try {
      cryptoProvider = CryptoProviderMode.fromConfigName(agent.getString(CryptoProviderMode.CONFIG_KEY, "auto"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("agent." + e.getMessage());
    }
    SdsConfig sds = SdsConfig.parse(agent);
    ConfigSection experimental = agent.section("experimental");
    Duration syncInterval = experimental.getDuration("sync_interval", Duration.ofSeconds(5));
    experimental.accept("use_sync_authorized_entries");
    NamedPipeName.refuseIfSet("agent", experimental.getString(NamedPipeName.KEY).orElse(null));
    ACCEPTED_NO_EFFECT.forEach(key -> {
      if (agent.accept(key)) {
        warnings.add("agent." + key + " is accepted for SPIRE compatibility and has no effect in signet");
      }
    });

    Plugins plugins = plugins(root.plugins(), new CoreConfig(trustDomain));
    if (plugins.nodeAttestor.name().equals(JoinTokenNames.NAME) && joinToken == null) {
      warnings.add("NodeAttestor \"join_token\" without a join token: the agent can only start with an SVID "
          + "already stored in " + dataDir);
    }
    HealthChecks health = HealthChecks.parse(root);
    TelemetryConfig telemetry = TelemetrySection.parse(root);
    telemetry.inertSinksWarning().ifPresent(warnings::add);
    root.requireNoUnknownKeys();
    return new AgentConfig(trustDomain, serverAddress, serverPort, socketPath, adminSocket, dataDir, logLevel,
        bundlePath, bundleUrl, bundleFormat, insecure, joinToken, delegates, keyType, x509CacheSize, jwtCacheSize,
        syncInterval, plugins.nodeAttestor, plugins.keyManager, plugins.workload,
        health, callsPerUid, allowInsecureDataDir, cryptoProvider, logOutput, sds, telemetry);
  }

  private static void checkBootstrap(Path bundlePath, String bundleUrl, boolean insecure) {
    int ways = (bundlePath != null ? 1 : 0) + (bundleUrl != null ? 1 : 0);
    if (ways > 1) {
      throw new ConfigException("only one of trust_bundle_path and trust_bundle_url may be set");
    }
    if (insecure && ways > 0) {
      throw new ConfigException("insecure_bootstrap cannot be combined with a trust bundle");
    }
    if (!insecure && ways == 0) {
      throw new ConfigException("a trust bundle is required: set trust_bundle_path, trust_bundle_url or "
          + "insecure_bootstrap");
    }
    if (bundleUrl != null && !bundleUrl.startsWith("https://")) {
      throw new ConfigException("trust_bundle_url \"" + bundleUrl + "\" must use https");
    }
  }

  private static Secret joinToken(ConfigSection agent, AgentFlags flags) {
    String fileToken = agent.getString("join_token").orElse(null);
    if (flags.joinToken() != null && flags.joinTokenFile() != null) {
      throw new ConfigException("-joinToken and -joinTokenFile cannot both be given");
    }
    if (flags.joinTokenFile() != null) {
      try {
        return Secret.of(required("join token file", Files.readString(flags.joinTokenFile()).strip()));
      } catch (IOException e) {
        throw new ConfigException("cannot read join token file \"" + flags.joinTokenFile() + "\": " + e.getMessage(), e);
      }
    }
    String token = or(flags.joinToken() == null ? null : flags.joinToken().reveal(), fileToken);
    return token == null || token.isBlank() ? null : Secret.of(token.strip());
  }

  private Plugins plugins(List<PluginBlock> blocks, CoreConfig core) {
    Plugins plugins = new Plugins();
    List<PluginBlock> builtIn = new ArrayList<>();
    for (PluginBlock block : blocks) {
      if (IGNORED_PLUGIN_TYPES.contains(block.type())) {
        warnings.add(block.label() + " is not supported by signet yet and is ignored");
      } else if (!block.enabled()) {
        warnings.add(block.label() + " is disabled");
      } else if (block.isExternal()) {
        throw new ConfigException(block.label() + ": external plugins (plugin_cmd) are not supported; "
            + "signet builds its plugins in");
      } else {
        if (!CATALOG_TYPES.contains(block.type())) {
          throw new ConfigException("unknown plugin type \"" + block.type() + "\" (" + block.label() + ")");
        }
        builtIn.add(block);
      }
    }
    plugins.configure(builtIn, core);
    return plugins;
  }

  private static String required(String key, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(key + " is required");
    }
    return value;
  }

  private static int nonNegative(String key, int value) {
    if (value < 0) {
      throw new ConfigException("agent." + key + " must not be negative, got " + value);
    }
    return value;
  }

  private static String or(String override, String value) {
    return override != null ? override : value;
  }

  private static String text(Path path) {
    return path == null ? null : path.toString();
  }

  /** The plugin blocks, checked by their catalogs: one NodeAttestor, one KeyManager, one or more WorkloadAttestors. */
  private static final class Plugins {
    private ConfiguredPlugin<AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> nodeAttestor;
    private ConfiguredPlugin<Path, AgentStateStore> keyManager;
    private List<ConfiguredPlugin<WorkloadAttestorDependencies, WorkloadAttestor>> workload;

    void configure(List<PluginBlock> builtIn, CoreConfig core) {
      nodeAttestor = AgentNodeAttestors.CATALOG.configureOne(builtIn, core);
      keyManager = AgentKeyManagers.CATALOG.configureOne(builtIn, core);
      workload = BuiltInWorkloadAttestors.CATALOG.configure(builtIn, core);
    }
  }
}
