package dev.signet.agent.cli;

import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.proto.workload.JWTBundlesRequest;
import dev.signet.proto.workload.JWTBundlesResponse;
import dev.signet.proto.workload.JWTSVID;
import dev.signet.proto.workload.JWTSVIDRequest;
import dev.signet.proto.workload.JWTSVIDResponse;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code api fetch jwt}: JWT-SVIDs for the given audiences, then the JWT bundles. */
@Command(name = "jwt", description = "Fetches a JWT-SVID from the Workload API")
final class FetchJwtCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = {"-audience", "--audience"}, required = true, split = ",", paramLabel = "AUDIENCE",
      description = "Comma-separated audience values (repeatable)")
  List<String> audience;

  @Option(names = {"-spiffeID", "--spiffeID"}, paramLabel = "ID", description = "SPIFFE ID of the JWT-SVID to fetch")
  String spiffeId;

  @Option(names = {"-output", "--output"}, defaultValue = "pretty", description = "pretty or json")
  Output.Format output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JWTSVIDResponse svids;
    JWTBundlesResponse bundles;
    try (WorkloadApiClient api = new WorkloadApiClient(client.socket(), client.timeoutDuration())) {
      JWTSVIDRequest.Builder request = JWTSVIDRequest.newBuilder().addAllAudience(audience);
      if (spiffeId != null) {
        request.setSpiffeId(spiffeId);
      }
      try {
        svids = api.workload().fetchJWTSVID(request.build());
      } catch (StatusRuntimeException e) {
        return Output.rpcError(spec.commandLine().getErr(), "error fetching JWT-SVID", e, client.socket());
      }
      try {
        bundles = api.workload().fetchJWTBundles(JWTBundlesRequest.getDefaultInstance()).next();
      } catch (StatusRuntimeException e) {
        return Output.rpcError(spec.commandLine().getErr(), "error fetching JWT bundles", e, client.socket());
      }
    }
    if (output == Output.Format.json) {
      out.println(Output.json(svids, bundles));
    } else {
      for (JWTSVID svid : svids.getSvidsList()) {
        out.println("token(" + svid.getSpiffeId() + "):");
        out.println("\t" + svid.getSvid());
        out.println();
      }
      bundles.getBundlesMap().forEach((domain, jwks) -> {
        out.println("bundle(" + domain + "):");
        out.println("\t" + jwks.toStringUtf8());
        out.println();
      });
    }
    out.flush();
    return 0;
  }
}
