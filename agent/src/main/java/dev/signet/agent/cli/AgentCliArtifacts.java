package dev.signet.agent.cli;

import dev.signet.common.SignetVersion;
import dev.signet.common.cli.CliArtifacts;
import java.io.PrintWriter;

/**
 * Build-time generator: writes the bash completion and man page of {@code signet-agent} under the distribution
 * root given as the only argument (see {@link CliArtifacts}). The command line has no runner: nothing runs.
 */
public final class AgentCliArtifacts {
  private AgentCliArtifacts() {}

  public static void main(String[] args) throws java.io.IOException {
    PrintWriter out = new PrintWriter(System.out, true);
    System.exit(CliArtifacts.generate(AgentMain.commandLine(null, out, out), SignetVersion.get(), args));
  }
}
