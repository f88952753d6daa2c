package dev.signet.agent.config;

import dev.signet.common.secret.Secret;
import java.nio.file.Path;

/**
 * The {@code signet-agent run} flags that override {@code agent.conf}, as {@code spire-agent run} has them;
 * a null field leaves the file's value in place.
 */
public record AgentFlags(Secret joinToken, Path joinTokenFile, String serverAddress, Integer serverPort,
    String trustDomain, Path trustBundle, String trustBundleUrl, Boolean insecureBootstrap, Path dataDir,
    Path socketPath, String logLevel, boolean expandEnv) {

  /** No overrides. */
  public static final AgentFlags NONE =
      new AgentFlags(null, null, null, null, null, null, null, null, null, null, null, false);
}
