package dev.signet.gateway.config;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.config.HclDocument;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.logging.LogOutput;
import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns {@code gateway.conf} (HCL) into a checked {@link GatewayConfig}; the one function behind both
 * {@code run} and {@code validate}. Unknown keys are errors naming the key; bad values are errors quoting
 * the value.
 */
public final class GatewayConfigLoader {
  static final String DEFAULT_IDENTITY_HEADER = "X-Forwarded-Client-Cert";
  static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
  static final int DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

  private GatewayConfigLoader() {}

  public static GatewayConfig load(Path file, boolean expandEnv) {
    return parse(HclDocument.load(file, expandEnv));
  }

  public static GatewayConfig parse(HclDocument document) {
    ConfigSection root = document.root();
    ConfigSection gateway = root.section("gateway");
    Path socket = Path.of(gateway.getString("socket_path", "/tmp/spire-agent/public/api.sock"));
    Optional<SpiffeId> spiffeId = gateway.getString("spiffe_id").map(v -> spiffeId("gateway.spiffe_id", v));
    String logLevel = gateway.getString("log_level", "INFO").toUpperCase(Locale.ROOT);
    if (!Set.of("DEBUG", "INFO", "WARN", "ERROR", "TRACE").contains(logLevel)) {
      throw new ConfigException("gateway.log_level \"" + logLevel + "\" is not one of DEBUG, INFO, WARN, ERROR");
    }
    LogOutput logOutput = LogOutput.parse("gateway", gateway.getString("log_format").orElse(null),
        gateway.getString("log_file").orElse(null));
    Path dataDir = Path.of(gateway.requireString("data_dir"));
    Optional<InetSocketAddress> metrics = gateway.getString("metrics_listen").map(v -> address("gateway.metrics_listen", v));
    Set<TrustDomain> federated = new HashSet<>();
    for (String td : gateway.getList("federated_trust_domains")) {
      try {
        federated.add(TrustDomain.parse(td));
      } catch (InvalidSpiffeIdException e) {
        throw new ConfigException("gateway.federated_trust_domains: \"" + td + "\" is not a trust domain: " + e.getMessage());
      }
    }
    Duration handshake = positive("gateway.handshake_timeout", gateway.getDuration("handshake_timeout", Duration.ofSeconds(10)));
    CryptoProviderMode cryptoProvider;
    try {
      cryptoProvider = CryptoProviderMode.fromConfigName(gateway.getString(CryptoProviderMode.CONFIG_KEY, "auto"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("gateway." + e.getMessage());
    }
    Duration connect = positive("gateway.connect_timeout", gateway.getDuration("connect_timeout", Duration.ofSeconds(5)));

    ConfigSection policy = root.section("policy");
    Optional<Path> policyDir = policy.getString("dir").map(Path::of);
    Optional<RemotePolicyConfig> remote = policy.has("remote") ? Optional.of(remote(policy.section("remote")))
        : Optional.empty();
    if (policyDir.isPresent() == remote.isPresent()) {
      throw new ConfigException("policy needs exactly one of dir (policy files decided in process) and remote "
          + "(the server's access API decides)");
    }
    if (remote.isPresent() && policy.has("reload_interval")) {
      throw new ConfigException("policy.reload_interval applies to policy.dir only");
    }
    Duration reload = positive("policy.reload_interval", policy.getDuration("reload_interval", Duration.ofSeconds(5)));
    Duration cacheTtl = policy.getDuration("cache_ttl", Duration.ofSeconds(1));
    if (cacheTtl.isNegative() || cacheTtl.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new ConfigException("policy.cache_ttl \"" + cacheTtl + "\" must be between 0s and 1m");
    }

    List<InboundConfig> inbound = new ArrayList<>();
    for (Map.Entry<String, ConfigSection> block : root.labelledSections("inbound").entrySet()) {
      inbound.add(inbound(block.getKey(), block.getValue()));
    }
    List<OutboundConfig> outbound = new ArrayList<>();
    for (Map.Entry<String, ConfigSection> block : root.labelledSections("outbound").entrySet()) {
      ConfigSection s = block.getValue();
      String where = "outbound \"" + block.getKey() + "\"";
      outbound.add(new OutboundConfig(block.getKey(), address(where + ".listen", s.requireString("listen")),
          address(where + ".remote", s.requireString("remote")),
          spiffeId(where + ".expect_spiffe_id", s.requireString("expect_spiffe_id"))));
    }
    root.requireNoUnknownKeys();
    if (inbound.isEmpty() && outbound.isEmpty()) {
      throw new ConfigException("no inbound or outbound block: the gateway would have nothing to do");
    }
    return new GatewayConfig(socket, spiffeId, logLevel, logOutput, dataDir, metrics, federated, handshake, connect,
        policyDir, remote, reload, cacheTtl, cryptoProvider, inbound, outbound);
  }

  private static RemotePolicyConfig remote(ConfigSection s) {
    Duration timeout = positive("policy.remote.timeout", s.getDuration("timeout", Duration.ofSeconds(2)));
    if (timeout.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new ConfigException("policy.remote.timeout \"" + timeout + "\" must be at most 1m");
    }
    return new RemotePolicyConfig(address("policy.remote.address", s.requireString("address")),
        s.getString("server_spiffe_id").map(v -> spiffeId("policy.remote.server_spiffe_id", v)), timeout);
  }

  private static InboundConfig inbound(String name, ConfigSection s) {
    String where = "inbound \"" + name + "\"";
    String modeText = s.getString("mode", "tcp");
    InboundConfig.Mode mode;
    try {
      mode = InboundConfig.Mode.valueOf(modeText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ".mode \"" + modeText + "\" is not tcp or http");
    }
    String resource = s.getString("resource", name);
    String header = s.getString("identity_header", DEFAULT_IDENTITY_HEADER);
    int maxHeader = s.getInt("max_header_bytes", DEFAULT_MAX_HEADER_BYTES);
    int maxBody = s.getInt("max_body_bytes", DEFAULT_MAX_BODY_BYTES);
    Duration requestTimeout = s.getDuration("request_timeout", Duration.ofSeconds(30));
    if (mode == InboundConfig.Mode.tcp) {
      for (String httpOnly : List.of("identity_header", "max_header_bytes", "max_body_bytes", "request_timeout")) {
        if (s.has(httpOnly)) {
          throw new ConfigException(where + "." + httpOnly + " applies to mode = \"http\" only");
        }
      }
    } else if (s.has("resource")) {
      throw new ConfigException(where + ".resource applies to mode = \"tcp\" only (http routes decide on the path)");
    }
    return new InboundConfig(name, mode, address(where + ".listen", s.requireString("listen")),
        address(where + ".upstream", s.requireString("upstream")), resource, header, maxHeader, maxBody, requestTimeout);
  }

  /** {@code host:port} or {@code [v6]:port}; the host is resolved when the route starts. */
  static InetSocketAddress address(String key, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new ConfigException(key + " \"" + value + "\" is not host:port");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " \"" + value + "\" has no numeric port");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException(key + " \"" + value + "\" has a port outside 0-65535");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static SpiffeId spiffeId(String key, String value) {
    try {
      SpiffeId id = SpiffeId.parse(value);
      if (id.isTrustDomainId()) {
        throw new ConfigException(key + " \"" + value + "\" is a trust domain id, not a workload's spiffe id");
      }
      return id;
    } catch (InvalidSpiffeIdException e) {
      throw new ConfigException(key + " \"" + value + "\" is not a spiffe id: " + e.getMessage());
    }
  }

  private static Duration positive(String key, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new ConfigException(key + " \"" + value + "\" must be positive");
    }
    return value;
  }
}
