package dev.signet.agent.cli;

import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code api watch}: follows the FetchX509SVID stream and prints every update (first answer, rotations,
 * bundle changes) until the stream ends or the command is stopped. Exit 1 when the stream fails.
 */
@Command(name = "watch", description = "Watches X509-SVID updates from the Workload API")
final class WatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (WorkloadApiClient api = new WorkloadApiClient(client.socket(), client.timeoutDuration())) {
      long since = System.nanoTime();
      Iterator<X509SVIDResponse> updates = api.streaming().fetchX509SVID(X509SVIDRequest.getDefaultInstance());
      while (updates.hasNext()) {
        X509SVIDResponse update = updates.next();
        X509Fetch.print(out, update, (System.nanoTime() - since) / 1e6);
        out.flush();
        since = System.nanoTime();
      }
      return 0;
    } catch (StatusRuntimeException e) {
      return Output.rpcError(spec.commandLine().getErr(), "error watching X509-SVIDs", e, client.socket());
    } catch (java.security.GeneralSecurityException e) {
      spec.commandLine().getErr().println("Error: the agent sent an unreadable certificate: " + e.getMessage());
      return 1;
    }
  }
}
