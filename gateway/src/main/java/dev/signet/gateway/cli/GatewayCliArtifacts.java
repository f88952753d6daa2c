package dev.signet.gateway.cli;

import dev.signet.common.SignetVersion;
import dev.signet.common.cli.CliArtifacts;

/**
 * Build-time generator: writes the bash completion and man page of {@code signet-gateway} under the
 * distribution root given as the only argument (see {@link CliArtifacts}).
 */
public final class GatewayCliArtifacts {
  private GatewayCliArtifacts() {}

  public static void main(String[] args) throws java.io.IOException {
    System.exit(CliArtifacts.generate(GatewayMain.commandLine(), SignetVersion.get(), args));
  }
}
