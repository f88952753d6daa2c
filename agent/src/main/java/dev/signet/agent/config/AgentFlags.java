package dev.signet.agent.config;

import java.nio.file.Path;

/**
 * The {@code signet-agent run} flags that override {@code agent.conf}, as {@code spire-agent run} has them;
 * a null field leaves the file's value in place.
 */
public record AgentFlags(String joinToken, Path joinTokenFile, String serverAddress, Integer serverPort,
    String trustDomain, Path trustBundle, String trustBundleUrl, Boolean insecureBootstrap, Path dataDir,
    Path socketPath, String logLevel, boolean expandEnv) {

  /** No overrides. */
  public static final AgentFlags NONE =
      new AgentFlags(null, null, null, null, null, null, null, null, null, null, null, false);

  @Override
  public String toString() {
    return "AgentFlags[joinToken=" + (joinToken == null ? "none" : "<set>") + ", serverAddress=" + serverAddress
        + ", serverPort=" + serverPort + ", dataDir=" + dataDir + ", socketPath=" + socketPath + "]";
  }
}
