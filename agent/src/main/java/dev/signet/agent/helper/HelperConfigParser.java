package dev.signet.agent.helper;

import dev.signet.agent.cli.SocketPaths;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.config.HclDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads spiffe-helper's {@code helper.conf} unchanged with Signet's HCL v1 parser. Defaults are spiffe-helper's:
 * {@code agent_address} falls back to {@code SPIFFE_ENDPOINT_SOCKET}, then {@code /tmp/spire-agent/public/api.sock};
 * {@code daemon_mode} is true; modes are 0644 (certificates), 0600 (key, JWT bundle, JWT-SVIDs); {@code cert_dir}
 * is the working directory. Unknown keys are errors, as in spiffe-helper. Every error is a {@link ConfigException}
 * naming the key and quoting the value.
 */
public final class HelperConfigParser {
  private HelperConfigParser() {}

  /** Reads and checks {@code file}; {@code daemonModeFlag} (the {@code -daemon-mode} flag) wins when not null. */
  public static HelperConfig load(Path file, Boolean daemonModeFlag, Map<String, String> env) {
    return parse(HclDocument.load(file), daemonModeFlag, env);
  }

  /** Checks an already parsed document. */
  public static HelperConfig parse(HclDocument document, Boolean daemonModeFlag, Map<String, String> env) {
    ConfigSection root = document.root();
    Path agentAddress = agentAddress(root.getString("agent_address").filter(s -> !s.isEmpty()).orElse(null), env);
    String cmd = root.getString("cmd").filter(s -> !s.isEmpty()).orElse(null);
    List<String> cmdArgs = words(root.getString("cmd_args", ""));
    Path pidFile = root.getString("pid_file_name").filter(s -> !s.isEmpty()).map(Path::of).orElse(null);
    Path certDir = Path.of(root.getString("cert_dir", ""));
    boolean daemonMode = root.getBool("daemon_mode", true);
    if (daemonModeFlag != null) {
      daemonMode = daemonModeFlag;
    }
    boolean addIntermediates = root.getBool("add_intermediates_to_bundle", false);
    RenewSignal signal = root.getString("renew_signal").filter(s -> !s.isEmpty()).map(HelperConfigParser::signal)
        .orElse(null);
    String svid = name(root, "svid_file_name");
    String svidKey = name(root, "svid_key_file_name");
    String svidBundle = name(root, "svid_bundle_file_name");
    boolean federated = root.getBool("include_federated_domains", false);
    FileMode certMode = mode(root, "cert_file_mode", 0644);
    FileMode keyMode = mode(root, "key_file_mode", 0600);
    FileMode jwtBundleMode = mode(root, "jwt_bundle_file_mode", 0600);
    FileMode jwtSvidMode = mode(root, "jwt_svid_file_mode", 0600);
    List<JwtSvidTarget> jwtSvids = jwtSvids(root);
    String jwtBundle = name(root, "jwt_bundle_file_name");
    String hint = root.getString("hint", "");
    HelperHealthChecks health = health(root);
    root.requireNoUnknownKeys();
    try {
      return new HelperConfig(agentAddress, cmd, cmdArgs, pidFile, certDir, daemonMode, addIntermediates, signal,
          svid, svidKey, svidBundle, federated, certMode, keyMode, jwtBundleMode, jwtSvidMode, jwtSvids, jwtBundle,
          hint, health);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** As spiffe-helper: the key, else {@code SPIFFE_ENDPOINT_SOCKET}, else SPIRE's default socket. */
  private static Path agentAddress(String configured, Map<String, String> env) {
    try {
      if (configured != null && (configured.startsWith("unix:") || configured.contains("://"))) {
        return SocketPaths.resolve(null, Map.of(SocketPaths.ENV, configured));
      }
      return SocketPaths.resolve(configured, env);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("agent_address: " + e.getMessage(), e);
    }
  }

  private static List<String> words(String cmdArgs) {
    try {
      return CommandWords.split(cmdArgs);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private static RenewSignal signal(String name) {
    try {
      return new RenewSignal(name);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private static String name(ConfigSection section, String key) {
    String value = section.getString(key).filter(s -> !s.isEmpty()).orElse(null);
    if (value != null && (value.contains("\0") || value.endsWith("/"))) {
      throw new ConfigException(key + ": \"" + value + "\" is not a file name");
    }
    return value;
  }

  private static FileMode mode(ConfigSection root, String key, int defaultBits) {
    Object raw = root.asMap().get(key);
    root.accept(key);
    if (raw == null || raw.equals(0L)) { // 0 means "the default", as in spiffe-helper
      return new FileMode(defaultBits);
    }
    return FileMode.parse(key, raw);
  }

  private static List<JwtSvidTarget> jwtSvids(ConfigSection root) {
    List<JwtSvidTarget> targets = new ArrayList<>();
    for (ConfigSection entry : root.sections("jwt_svids")) {
      String audience = entry.getString("jwt_audience").filter(s -> !s.isEmpty())
          .orElseThrow(() -> new ConfigException(entry.path() + ".jwt_audience: is required"));
      List<String> extra = entry.getList("jwt_extra_audiences");
      String file = name(entry, "jwt_svid_file_name");
      if (file == null) {
        throw new ConfigException(entry.path() + ".jwt_svid_file_name: is required");
      }
      targets.add(new JwtSvidTarget(audience, extra, file));
    }
    return targets;
  }

  private static HelperHealthChecks health(ConfigSection root) {
    if (!root.has("health_checks")) {
      root.accept("health_checks");
      return HelperHealthChecks.DISABLED;
    }
    ConfigSection health = root.section("health_checks");
    boolean enabled = health.getBool("listener_enabled", false);
    int port = health.getInt("bind_port", HelperHealthChecks.DISABLED.bindPort());
    if (port < 0 || port > 65535) {
      throw new ConfigException("health_checks.bind_port: " + port + " is not a port (0-65535)");
    }
    String live = path(health, "liveness_path", HelperHealthChecks.DISABLED.livenessPath());
    String ready = path(health, "readiness_path", HelperHealthChecks.DISABLED.readinessPath());
    if (enabled && live.equals(ready)) {
      throw new ConfigException("health_checks: liveness_path and readiness_path are both \"" + live + "\"");
    }
    return new HelperHealthChecks(enabled, port, live, ready);
  }

  private static String path(ConfigSection health, String key, String defaultValue) {
    String value = health.getString(key, defaultValue);
    if (!value.startsWith("/")) {
      throw new ConfigException("health_checks." + key + ": \"" + value + "\" must start with \"/\"");
    }
    return value;
  }
}
