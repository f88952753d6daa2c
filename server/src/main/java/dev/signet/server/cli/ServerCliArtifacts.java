package dev.signet.server.cli;

import dev.signet.common.SignetVersion;
import dev.signet.common.cli.CliArtifacts;

/**
 * Build-time generator: writes the bash completion and man page of {@code signet-server} and
 * {@code signet-demo} under the distribution root given as the only argument (see {@link CliArtifacts}).
 */
public final class ServerCliArtifacts {
  private ServerCliArtifacts() {}

  public static void main(String[] args) throws java.io.IOException {
    int exit = CliArtifacts.generate(ServerMain.commandLine(), SignetVersion.get(), args);
    if (exit == 0) {
      exit = CliArtifacts.generate(DemoCommand.commandLine(), SignetVersion.get(), args);
    }
    System.exit(exit);
  }
}
