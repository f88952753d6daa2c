package dev.signet.agent.cli;

import dev.signet.common.cli.RpcErrorText;
import dev.signet.common.workload.WorkloadApiClient;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code healthcheck}: asks {@code grpc.health.v1} on the agent socket. Shallow checks the server as a
 * whole; the default also checks the Workload API service itself.
 */
@Command(name = "healthcheck", description = "Determines agent health status")
final class HealthcheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = {"-shallow", "--shallow"}, description = "Perform a less stringent health check")
  boolean shallow;

  @Option(names = {"-verbose", "--verbose"}, description = "Print verbose information")
  boolean verbose;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> services = shallow ? List.of("") : List.of("", "SpiffeWorkloadAPI");
    try (WorkloadApiClient api = new WorkloadApiClient(client.socket(), client.timeoutDuration())) {
      for (String service : services) {
        if (verbose) {
          out.println("Checking " + (service.isEmpty() ? "agent" : service) + " health on " + client.socket() + "...");
        }
        HealthCheckResponse.ServingStatus status = HealthGrpc.newBlockingStub(api.channel())
            .withDeadlineAfter(api.timeout().toMillis(), TimeUnit.MILLISECONDS)
            .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
        if (status != HealthCheckResponse.ServingStatus.SERVING) {
          err.println("Agent is unhealthy: " + (service.isEmpty() ? "agent" : service) + " is " + status);
          err.flush();
          return 1;
        }
      }
    } catch (StatusRuntimeException e) {
      err.println("Agent is unhealthy: unable to determine health: " + RpcErrorText.describe(e, client.socket()));
      err.flush();
      return 1;
    }
    out.println("Agent is healthy.");
    out.flush();
    return 0;
  }
}
