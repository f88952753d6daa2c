package dev.signet.server.cli;

import dev.signet.proto.transport.AdminClient;
import dev.signet.common.cli.RpcErrorText;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * Base of every command that talks to the admin socket. Errors are printed the way spire-server prints
 * them ({@code Error: rpc error: code = … desc = …}) and give exit code 1.
 */
public abstract class AdminCommand implements Callable<Integer> {
  @Mixin
  protected AdminClientOptions options;

  /** Runs the command; returns the exit code. */
  protected abstract int run(AdminClient client, Printer out);

  @Override
  public final Integer call() {
    Printer out;
    try {
      out = new Printer(System.out, options.format());
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    try (AdminClient client = AdminClient.forCommandLine(Path.of(options.socketPath))) {
      return run(client, out);
    } catch (StatusRuntimeException e) {
      System.err.println("Error: " + RpcErrorText.describe(e, Path.of(options.socketPath)));
      return 1;
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
  }

}
