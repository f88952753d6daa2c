package dev.signet.agent.cli;

import java.nio.file.Path;

/**
 * The flags of {@code signet-agent run}, as spire-agent spells them; null means "not given, use the config
 * file". {@link #toString()} never prints the join token.
 */
public record RunOptions(Path config, String joinToken, Path joinTokenFile, String serverAddress, Integer serverPort,
    String trustDomain, Path trustBundle, String trustBundleUrl, Boolean insecureBootstrap, Path dataDir,
    Path socketPath, String logLevel, boolean expandEnv) {

  @Override
  public String toString() {
    return "RunOptions[config=" + config + ", joinToken=" + (joinToken == null ? "none" : "<set>")
        + ", serverAddress=" + serverAddress + ", serverPort=" + serverPort + ", socketPath=" + socketPath + "]";
  }
}
