package dev.signet.agent.cli;

import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.proto.workload.ValidateJWTSVIDRequest;
import dev.signet.proto.workload.ValidateJWTSVIDResponse;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code api validate jwt}: asks the agent to validate a JWT-SVID for an audience. */
@Command(name = "jwt", description = "Validates a JWT-SVID")
final class ValidateJwtCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = {"-audience", "--audience"}, required = true, description = "Expected audience value")
  String audience;

  @Option(names = {"-svid", "--svid"}, required = true, description = "JWT-SVID to validate")
  String svid;

  @Option(names = {"-output", "--output"}, defaultValue = "pretty", description = "pretty or json")
  Output.Format output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ValidateJWTSVIDResponse response;
    try (WorkloadApiClient api = new WorkloadApiClient(client.socket(), client.timeoutDuration())) {
      response = api.workload().validateJWTSVID(ValidateJWTSVIDRequest.newBuilder()
          .setAudience(audience).setSvid(svid).build());
    } catch (StatusRuntimeException e) {
      return Output.rpcError(spec.commandLine().getErr(), "error validating JWT-SVID", e, client.socket());
    }
    if (output == Output.Format.json) {
      out.println(Output.json(response));
    } else {
      out.println("SVID is valid.");
      out.println("SPIFFE ID : " + response.getSpiffeId());
      out.println("Claims    : " + Output.json(response.getClaims()));
    }
    out.flush();
    return 0;
  }
}
