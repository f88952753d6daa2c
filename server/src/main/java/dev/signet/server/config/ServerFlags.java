package dev.signet.server.config;

import java.nio.file.Path;

/**
 * The {@code signet-server run} flags that override {@code server.conf}, as {@code spire-server run} has
 * them; a null field leaves the file's value in place.
 */
public record ServerFlags(String bindAddress, Integer serverPort, Path socketPath, String trustDomain, Path dataDir,
    String logLevel, boolean expandEnv) {

  /** No overrides. */
  public static final ServerFlags NONE = new ServerFlags(null, null, null, null, null, null, false);
}
