package dev.signet.agent.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Flags shared by the Workload API client commands, spelled like spire-agent's. */
final class ClientOptions {
  @Option(names = {"-socketPath", "--socketPath"}, paramLabel = "PATH",
      description = "Path to the Workload API socket (default: $SPIFFE_ENDPOINT_SOCKET, else /tmp/spire-agent/public/api.sock)")
  String socketPath;

  @Option(names = {"-timeout", "--timeout"}, paramLabel = "DURATION", defaultValue = "5s",
      description = "Time to wait for a response (Go duration, default ${DEFAULT-VALUE})")
  String timeout;

  Path socket() {
    return SocketPaths.resolve(socketPath, System.getenv());
  }

  Duration timeoutDuration() {
    return dev.signet.common.Durations.parse(timeout);
  }
}
