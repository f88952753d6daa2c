package dev.signet.server.config;

import dev.signet.common.logging.LogOutput;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.attestors.node.NodeAttestorDependencies;
import dev.signet.attestors.node.ServerNodeAttestors;
import dev.signet.ca.keymanager.KeyManager;
import dev.signet.ca.upstream.UpstreamAuthority;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.config.HealthChecks;
import dev.signet.common.config.TelemetrySection;
import dev.signet.common.telemetry.TelemetryConfig;
import dev.signet.common.config.HclDocument;
import dev.signet.common.config.NamedPipeName;
import dev.signet.common.config.PluginBlock;
import dev.signet.common.files.DataDirPermissions;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.common.plugin.CoreConfig;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.sql.SqlConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns {@code server.conf} plus {@code run} flags into a checked {@link ServerConfig}; the one function
 * behind both {@code run} and {@code validate}. Unknown keys are errors; SPIRE keys that Signet accepts
 * but does not act on are returned as warnings so a SPIRE config starts unchanged.
 */
public final class ServerConfigLoader {
  /** SPIRE server keys accepted for compatibility that change nothing in Signet. */
  private static final Set<String> ACCEPTED_NO_EFFECT = Set.of("log_source_location",
      "profiling_enabled", "profiling_port", "profiling_freq", "profiling_names", "audit_log_enabled",
      "cache_reload_interval", "prune_events_older_than", "eventual_consistency", "experimental",
      "use_legacy_downstream_x509_ca_ttl", "agent_ttl_disabled", "admin_ids_from_file");
  /** SPIRE plugin types Signet has no plugins of yet: accepted with a warning. */
  private static final Set<String> IGNORED_PLUGIN_TYPES = Set.of("Notifier", "BundlePublisher", "CredentialComposer");
  /** The plugin types Signet builds in, one catalog each. */
  private static final Set<String> CATALOG_TYPES = Set.of(ServerCatalogs.DATA_STORES.type(),
      ServerCatalogs.KEY_MANAGERS.type(), ServerCatalogs.UPSTREAM_AUTHORITIES.type(), ServerNodeAttestors.CATALOG.type());

  private final List<String> warnings = new ArrayList<>();

  private ServerConfigLoader() {}

  /** The result: the config and what the operator should be told about it. */
  public record Loaded(ServerConfig config, List<String> warnings) {
    public Loaded {
      warnings = List.copyOf(warnings);
    }
  }

  /** Reads, expands (when asked) and checks a config file. */
  public static Loaded load(Path file, ServerFlags flags) {
    return parse(HclDocument.load(file, flags.expandEnv()), flags);
  }

  /** Checks an already parsed document. */
  public static Loaded parse(HclDocument document, ServerFlags flags) {
    ServerConfigLoader loader = new ServerConfigLoader();
    ServerConfig config = loader.build(document.root(), flags);
    return new Loaded(config, loader.warnings);
  }

  private ServerConfig build(ConfigSection root, ServerFlags flags) {
    ConfigSection server = root.section("server");
    String tdText = or(flags.trustDomain(), server.getString("trust_domain").orElse(null));
    if (tdText == null) {
      throw new ConfigException("server.trust_domain is required");
    }
    TrustDomain trustDomain = TrustDomain.parse(tdText);
    String bindAddress = or(flags.bindAddress(), server.getString("bind_address", "0.0.0.0"));
    int filePort = server.getInt("bind_port", 8081);
    int bindPort = flags.serverPort() != null ? flags.serverPort() : filePort;
    Path socketPath = Path.of(or(flags.socketPath() == null ? null : flags.socketPath().toString(),
        server.getString("socket_path", "/tmp/spire-server/private/api.sock")));
    String dataDirText = or(flags.dataDir() == null ? null : flags.dataDir().toString(),
        server.getString("data_dir").orElse(null));
    if (dataDirText == null) {
      throw new ConfigException("server.data_dir is required");
    }
    Path dataDir = Path.of(dataDirText);
    String logLevel = or(flags.logLevel(), server.getString("log_level", "INFO")).toUpperCase(java.util.Locale.ROOT);
    if (!Set.of("DEBUG", "INFO", "WARN", "ERROR", "TRACE").contains(logLevel)) {
      throw new ConfigException("server.log_level \"" + logLevel + "\" is not one of DEBUG, INFO, WARN, ERROR");
    }
    LogOutput logOutput = LogOutput.parse("server", server.getString("log_format").orElse(null),
        server.getString("log_file").orElse(null));
    Duration caTtl = server.getDuration("ca_ttl", Duration.ofHours(24));
    Duration x509Ttl = server.getDuration("default_x509_svid_ttl",
        server.getDuration("default_svid_ttl", Duration.ofHours(1)));
    Duration jwtTtl = server.getDuration("default_jwt_svid_ttl", Duration.ofMinutes(5));
    Duration agentTtl = server.getDuration("agent_ttl", x509Ttl);
    requirePositive("ca_ttl", caTtl);
    requirePositive("default_x509_svid_ttl", x509Ttl);
    requirePositive("default_jwt_svid_ttl", jwtTtl);
    requirePositive("agent_ttl", agentTtl);
    if (x509Ttl.compareTo(caTtl) > 0) {
      warnings.add("default_x509_svid_ttl " + x509Ttl + " exceeds ca_ttl " + caTtl + "; SVIDs are capped at the CA's expiry");
    }
    KeyType caKeyType = KeyType.fromConfigName(server.getString("ca_key_type", "ec-p256"));
    KeyType jwtKeyType = KeyType.fromConfigName(server.getString("jwt_key_type", caKeyType.configName()));
    CaSubject subject = caSubject(server);
    String jwtIssuer = server.getString("jwt_issuer", "");
    List<SpiffeId> adminIds = server.getList("admin_ids").stream().map(SpiffeId::parse).toList();
    ServerConfig.AuditSettings audit = new ServerConfig.AuditSettings(
        server.getString("audit_log_path").map(Path::of).orElse(dataDir.resolve("audit.log")),
        server.getBool("audit_log_fail_closed", false));
    ServerConfig.FederationSettings federation = FederationConfig.parse(server);
    ConfigSection rateLimit = server.section("ratelimit");
    boolean attestationLimit = rateLimit.getBool("attestation", true);
    boolean signingLimit = rateLimit.getBool("signing", true);
    boolean allowInsecureDataDir = server.getBool(DataDirPermissions.OPT_OUT_KEY, false);
    CryptoProviderMode cryptoProvider = cryptoProvider(server);
    if (server.has("experimental")) {
      NamedPipeName.refuseIfSet("server", server.getMap("experimental").get(NamedPipeName.KEY));
    }
    acceptNoEffect(server);

    Plugins plugins = plugins(root.plugins(), new CoreConfig(trustDomain));
    HealthChecks health = HealthChecks.parse(root);
    ServerConfig.AccessApiSettings accessApi = accessApi(root, trustDomain);
    TelemetryConfig telemetry = TelemetrySection.parse(root);
    telemetry.inertSinksWarning().ifPresent(warnings::add);
    root.requireNoUnknownKeys();
    return new ServerConfig(trustDomain, bindAddress, bindPort, socketPath, dataDir, logLevel, caTtl, x509Ttl,
        jwtTtl, agentTtl, caKeyType, jwtKeyType, subject, jwtIssuer, adminIds, attestationLimit, signingLimit,
        plugins.dataStore, plugins.keyManager, plugins.upstream, plugins.nodeAttestors, health, accessApi, audit,
        federation, allowInsecureDataDir, cryptoProvider, logOutput, telemetry);
  }

  private static CryptoProviderMode cryptoProvider(ConfigSection server) {
    try {
      return CryptoProviderMode.fromConfigName(server.getString(CryptoProviderMode.CONFIG_KEY, "auto"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("server." + e.getMessage());
    }
  }

  private static CaSubject caSubject(ConfigSection server) {
    if (!server.has("ca_subject")) {
      return CaSubject.DEFAULT;
    }
    List<ConfigSection> blocks = server.sections("ca_subject");
    if (blocks.size() != 1) {
      throw new ConfigException("server.ca_subject must be given once");
    }
    ConfigSection s = blocks.getFirst();
    return new CaSubject(s.getList("country"), s.getList("organization"), s.getString("common_name", ""));
  }

  private void acceptNoEffect(ConfigSection section) {
    ACCEPTED_NO_EFFECT.forEach(key -> acceptNoEffect(section, key));
  }

  private void acceptNoEffect(ConfigSection section, String key) {
    if (section.accept(key)) {
      warnings.add(qualified(section, key) + " is accepted for SPIRE compatibility and has no effect in signet");
    }
  }

  private static String qualified(ConfigSection section, String key) {
    return section.path().isEmpty() ? key : section.path() + "." + key;
  }

  /**
   * Signet's {@code access_api { bind_address, bind_port, audience, policy_dir, admin_ids, tls, decision_clients,
   * allowed_trust_domains }}: the REST API, off unless present.
   */
  private static ServerConfig.AccessApiSettings accessApi(ConfigSection root, TrustDomain trustDomain) {
    if (!root.has("access_api")) {
      return null;
    }
    ConfigSection access = root.section("access_api");
    List<String> audiences = access.getList("audience");
    try {
      return new ServerConfig.AccessApiSettings(access.getString("bind_address", "127.0.0.1"),
          access.getInt("bind_port", 8080), audiences.isEmpty() ? List.of("signet-access") : audiences,
          access.getString("policy_dir").map(Path::of).orElse(null),
          access.getList("admin_ids").stream().map(SpiffeId::parse).toList(), access.getBool("tls", false),
          access.getList("decision_clients").stream().map(SpiffeId::parse).toList(),
          access.has("allowed_trust_domains")
              ? access.getList("allowed_trust_domains").stream().map(TrustDomain::parse).toList()
              : List.of(trustDomain));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static void requirePositive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException("server." + key + " must be positive, got " + value);
    }
  }

  private static String or(String override, String value) {
    return override != null ? override : value;
  }

  private Plugins plugins(List<PluginBlock> blocks, CoreConfig core) {
    Plugins plugins = new Plugins();
    List<PluginBlock> builtIn = new ArrayList<>();
    for (PluginBlock block : blocks) {
      if (!CATALOG_TYPES.contains(block.type()) && !IGNORED_PLUGIN_TYPES.contains(block.type())) {
        throw new ConfigException("unknown plugin type \"" + block.type() + "\" (" + block.label() + ")");
      }
      if (!block.enabled()) {
        warnings.add(block.label() + " is disabled");
        continue;
      }
      if (IGNORED_PLUGIN_TYPES.contains(block.type())) {
        warnings.add(block.label() + " is not supported by signet yet and is ignored");
        continue;
      }
      if (block.isExternal()) {
        throw new ConfigException(block.label() + ": external plugins (plugin_cmd) are not supported; "
            + "signet builds its plugins in");
      }
      builtIn.add(block);
    }
    plugins.configure(builtIn, core);
    return plugins;
  }

  /** The plugin blocks, checked by their catalogs: SPIRE's names and cardinality rules, each block parsed. */
  private static final class Plugins {
    private SqlConfig dataStore;
    private ConfiguredPlugin<Void, KeyManager> keyManager;
    private ConfiguredPlugin<Void, UpstreamAuthority> upstream;
    private List<ConfiguredPlugin<NodeAttestorDependencies, NodeAttestor>> nodeAttestors;

    void configure(List<PluginBlock> builtIn, CoreConfig core) {
      dataStore = ServerCatalogs.DATA_STORES.configureOne(builtIn, core).create(null);
      keyManager = ServerCatalogs.KEY_MANAGERS.configureOne(builtIn, core);
      upstream = ServerCatalogs.UPSTREAM_AUTHORITIES.configure(builtIn, core).stream().findFirst().orElse(null);
      nodeAttestors = ServerNodeAttestors.CATALOG.configure(builtIn, core);
    }
  }
}
