package dev.signet.server.cli;

import dev.signet.server.config.ServerConfigLoader;
import dev.signet.server.config.ServerFlags;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The flags {@code run} and {@code validate} share: the config file and its overrides. */
public final class ConfigOptions {
  @Option(names = {"-config", "--config"}, defaultValue = "conf/server/server.conf",
      description = "Path to a SPIRE config file (default: ${DEFAULT-VALUE})")
  Path config;

  @Option(names = {"-bindAddress", "--bindAddress"}, description = "IP address or DNS name of the SPIRE server")
  String bindAddress;

  @Option(names = {"-serverPort", "--serverPort"}, description = "Port number of the SPIRE server")
  Integer serverPort;

  @Option(names = {"-socketPath", "--socketPath"}, description = "Path to bind the SPIRE Server API socket to")
  Path socketPath;

  @Option(names = {"-trustDomain", "--trustDomain"}, description = "The trust domain that this server belongs to")
  String trustDomain;

  @Option(names = {"-dataDir", "--dataDir"}, description = "Directory to store runtime data to")
  Path dataDir;

  @Option(names = {"-logLevel", "--logLevel"}, description = "DEBUG, INFO, WARN or ERROR")
  String logLevel;

  @Option(names = {"-expandEnv", "--expandEnv"}, arity = "0..1", description = "Expand environment variables in SPIRE config file")
  boolean expandEnv;

  /** Loads and checks the config with the flag overrides applied. */
  public ServerConfigLoader.Loaded load() {
    return ServerConfigLoader.load(config,
        new ServerFlags(bindAddress, serverPort, socketPath, trustDomain, dataDir, logLevel, expandEnv));
  }
}
