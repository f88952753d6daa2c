package dev.signet.common.grpc;

import dev.signet.common.lifecycle.Lifecycle;
import io.grpc.Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/** Starting a gRPC server on a Unix socket as one step of a {@link Lifecycle}. */
public final class UnixSocketServers {
  private UnixSocketServers() {}

  /**
   * Starts {@code server}, already bound to {@code socket}, and gives the socket file {@code mode}
   * ({@code rwxrwx---} style). At close, {@code beforeStop} runs first (health to a terminal state), then
   * open calls are cancelled and the server awaited, then the socket file is removed. When starting fails,
   * everything pushed onto {@code lifecycle} so far is closed and the failure thrown.
   */
  public static void start(Lifecycle lifecycle, Server server, Path socket, String mode, Runnable beforeStop)
      throws IOException {
    try {
      server.start();
      lifecycle.pushStep("socket file", d -> Files.deleteIfExists(socket));
      lifecycle.pushServer("grpc server", server, Duration.ZERO);
      lifecycle.pushStep("health status", d -> beforeStop.run());
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString(mode));
    } catch (IOException | RuntimeException e) {
      lifecycle.closeAfter(e);
      throw e;
    }
  }
}
