package dev.signet.server.cli;

import dev.signet.server.config.ServerConfigLoader;
import dev.signet.server.config.ServerFlags;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The flags {@code run} and {@code validate} share: the config file and its overrides. */
public final class ConfigOptions {
  @Option(names = {"-config", "--config"}, defaultValue = "conf/server/server.conf",
      description = "Server configuration file in HCL (default: ${DEFAULT-VALUE})")
  Path config;

  @Option(names = {"-bindAddress", "--bindAddress"}, description = "Address to listen on for agents (overrides bind_address)")
  String bindAddress;

  @Option(names = {"-serverPort", "--serverPort"}, description = "TCP port to listen on for agents (overrides bind_port)")
  Integer serverPort;

  @Option(names = {"-socketPath", "--socketPath"}, description = "Where to create the admin API socket (overrides socket_path)")
  Path socketPath;

  @Option(names = {"-trustDomain", "--trustDomain"}, description = "Trust domain this server issues identities for (overrides trust_domain)")
  String trustDomain;

  @Option(names = {"-dataDir", "--dataDir"}, description = "Directory for the server's runtime state (overrides data_dir)")
  Path dataDir;

  @Option(names = {"-logLevel", "--logLevel"}, description = "Log level: DEBUG, INFO, WARN or ERROR (overrides log_level)")
  String logLevel;

  @Option(names = {"-expandEnv", "--expandEnv"}, arity = "0..1", description = "Substitute $VAR and $${VAR} in the configuration file before parsing")
  boolean expandEnv;

  /** Loads and checks the config with the flag overrides applied. */
  public ServerConfigLoader.Loaded load() {
    return ServerConfigLoader.load(config,
        new ServerFlags(bindAddress, serverPort, socketPath, trustDomain, dataDir, logLevel, expandEnv));
  }
}
