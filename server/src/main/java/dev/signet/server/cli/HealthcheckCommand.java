package dev.signet.server.cli;

import dev.signet.proto.transport.AdminClient;
import dev.signet.common.cli.RpcErrorText;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code healthcheck}: asks the server over its admin socket whether it serves; exit 0 when healthy. */
@Command(name = "healthcheck", description = "Check whether the server is up and healthy")
public final class HealthcheckCommand implements Callable<Integer> {
  @Option(names = {"-socketPath", "--socketPath"}, defaultValue = AdminClientOptions.DEFAULT_SOCKET,
      description = "Admin API socket to probe")
  String socketPath;

  @Option(names = {"-shallow", "--shallow"}, arity = "0..1", description = "Only check that the server answers, not that it is ready")
  boolean shallow;

  @Option(names = {"-verbose", "--verbose"}, arity = "0..1", description = "Explain each step of the check")
  boolean verbose;

  @Override
  public Integer call() {
    if (verbose) {
      System.out.println("Checking server health...");
    }
    try (AdminClient client = AdminClient.forCommandLine(Path.of(socketPath))) {
      HealthCheckResponse response = client.health().check(HealthCheckRequest.getDefaultInstance());
      if (response.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
        System.err.println("Server is unhealthy: server returned status \"" + response.getStatus() + "\"");
        return 1;
      }
    } catch (StatusRuntimeException e) {
      System.err.println("Server is unhealthy: unable to determine health: " + RpcErrorText.describe(e, Path.of(socketPath)));
      return 1;
    }
    System.out.println("Server is healthy.");
    return 0;
  }
}
