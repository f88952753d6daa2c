package dev.signet.server.cli;

import picocli.CommandLine.Option;

/** Flags every admin command shares, spelled as spire-server spells them. */
public final class AdminClientOptions {
  /** SPIRE's default admin socket. */
  public static final String DEFAULT_SOCKET = "/tmp/spire-server/private/api.sock";

  @Option(names = {"-socketPath", "--socketPath"}, paramLabel = "PATH",
      description = "Admin API socket to connect to (default: ${DEFAULT-VALUE})", defaultValue = DEFAULT_SOCKET)
  String socketPath;

  @Option(names = {"-output", "--output"}, paramLabel = "pretty|json", defaultValue = "pretty",
      description = "How to print results: pretty or json (default: pretty)")
  String output;

  /** The chosen output format; an unknown value is a usage error. */
  public OutputFormat format() {
    return OutputFormat.parse(output);
  }
}
