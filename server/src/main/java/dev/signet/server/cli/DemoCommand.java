package dev.signet.server.cli;

import dev.signet.common.cli.HelpOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of {@code bin/signet-demo}, a shell script that starts a server and an agent on the embedded
 * defaults. The script itself takes no arguments; when it is given any it runs this class instead of a demo, so
 * {@code signet-demo --help} prints this usage and exits 0, and anything else is a usage error (exit 2) that
 * starts nothing. The man page and completion script of {@code signet-demo} are made from this spec too.
 */
@Command(name = "signet-demo", version = "signet-demo 0.1.0",
    description = {
        "Starts a signet-server (H2 datastore, self-signed CA, join_token attestation) in a demo directory, "
            + "registers an entry for the current user, generates a join token and starts a signet-agent "
            + "serving the Workload API. Ctrl-C (or SIGTERM to the script) stops everything it started.",
        "Environment: SIGNET_DEMO_DIR is the demo directory (default: ./signet-demo), "
            + "SIGNET_DEMO_PORT the server's port for agents (default: 8081), SPIFFE_ENDPOINT_SOCKET the "
            + "Workload API socket (default: /tmp/spire-agent/public/api.sock).",
        "One demo runs per directory: a second signet-demo on a directory whose demo is still running is "
            + "refused (exit 1) and leaves the running demo's sockets and data untouched."})
public final class DemoCommand implements Runnable {
  private DemoCommand() {}

  @Override
  public void run() {
    // Reached only when the script was given no arguments, which it never passes on: nothing to do.
  }

  /** The demo's command line. */
  public static CommandLine commandLine() {
    return HelpOptions.install(new CommandLine(new DemoCommand()));
  }

  public static void main(String[] args) {
    if (args.length == 0) {
      System.err.println("signet-demo: run bin/signet-demo itself to start a demo; this prints its usage");
      System.exit(2);
    }
    System.exit(commandLine().execute(args));
  }
}
