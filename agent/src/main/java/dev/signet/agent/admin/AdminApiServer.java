package dev.signet.agent.admin;

import dev.signet.agent.workload.WorkloadRequestLimits;
import dev.signet.common.grpc.MalformedRequests;
import dev.signet.common.grpc.UnixSocketServers;
import dev.signet.common.lifecycle.Lifecycle;
import dev.signet.proto.spire.agent.debug.v1.DebugGrpc;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.DelegatedIdentityGrpc;
import dev.signet.proto.spire.api.agent.logger.v1.LoggerGrpc;
import dev.signet.proto.transport.UnixSockets;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's admin socket ({@code admin_socket_path}): DelegatedIdentity, Debug, Logger and
 * {@code grpc.health.v1}, on a Unix socket separate from the Workload API's.
 *
 * <p>Security: unlike the public Workload API socket this one is not for every local process. Its
 * directory must be owned by the agent's user and must not be writable by others (otherwise another user
 * could replace the socket file with their own); a missing directory is created {@code 0770}. The socket
 * file is {@code 0770}: the agent's user and group may connect. Delegated identity is additionally
 * authorized per call ({@link DelegatedIdentityService}); Debug and Logger rely on the file permissions,
 * as SPIRE's admin socket does.
 */
public final class AdminApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApiServer.class);
  /**
   * The admin socket's inbound message size. Its largest request is a delegated FetchJWTSVIDs: the
   * audiences of a Workload API FetchJWTSVID ({@link WorkloadRequestLimits}) plus the workload's selectors,
   * a few dozen short strings even for a Kubernetes pod; 1 MiB leaves room for hundreds of long
   * selectors while keeping gRPC's 4 MiB per call out of a 24 MB heap. The socket is reachable only by the
   * agent's user and group, so no per-caller call budget applies.
   */
  static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  private final Path socket;
  private final HealthStatusManager health;
  /** The event loop, the server and its socket file. */
  private final Lifecycle lifecycle;

  private AdminApiServer(Path socket, HealthStatusManager health, Lifecycle lifecycle) {
    this.socket = socket;
    this.health = health;
    this.lifecycle = lifecycle;
  }

  /** Binds {@code socket} and serves the three admin services plus health. */
  public static AdminApiServer start(Path socket, DelegatedIdentityService delegated, DebugService debug,
      LoggerService logger) throws IOException {
    Objects.requireNonNull(socket, "admin socket path");
    Path absolute = socket.toAbsolutePath();
    prepareDirectory(absolute.getParent());
    Lifecycle lifecycle = new Lifecycle("admin api");
    EventLoopGroup group = lifecycle.pushEventLoops("event loop", UnixSockets.newEventLoopGroup(1));
    HealthStatusManager health = new HealthStatusManager();
    List<BindableService> services = List.of(delegated, debug, logger);
    var builder = UnixSockets.serverBuilder(absolute, group, group)
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .maxInboundMetadataSize(WorkloadRequestLimits.MAX_METADATA_BYTES);
    // A request that does not parse is INVALID_ARGUMENT, logged once per uid and interval (MalformedRequests).
    MalformedRequests malformed = new MalformedRequests();
    services.forEach(service -> builder.addService(malformed.guard(service.bindService())));
    Server server = builder.addService(malformed.guard(health.getHealthService().bindService())).build();
    UnixSocketServers.start(lifecycle, server, absolute, "rwxrwx---", health::enterTerminalState);
    health.setStatus("", ServingStatus.SERVING);
    for (String name : List.of(DelegatedIdentityGrpc.SERVICE_NAME, DebugGrpc.SERVICE_NAME, LoggerGrpc.SERVICE_NAME)) {
      health.setStatus(name, ServingStatus.SERVING);
    }
    LOG.info("admin api listening on {}", absolute);
    return new AdminApiServer(absolute, health, lifecycle);
  }

  /** Creates the socket directory 0770 when missing; refuses one owned by another user or writable by others. */
  static void prepareDirectory(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory);
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwx---")); // not the umask's
    }
    int owner = (Integer) Files.getAttribute(directory, "unix:uid");
    int self = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"); // /proc/self belongs to our euid
    if (owner != self) {
      throw new IOException("admin socket directory \"" + directory + "\" is owned by uid " + owner
          + ", not by the agent's uid " + self);
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
    if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException("admin socket directory \"" + directory + "\" is writable by others ("
          + PosixFilePermissions.toString(permissions) + ")");
    }
  }

  public Path socket() {
    return socket;
  }

  /** Marks the admin services NOT_SERVING (the agent stopped by itself). */
  public void setServing(boolean serving) {
    health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** Cancels open streams, stops the server and its event loop (awaited) and removes the socket file. */
  @Override
  public void close() {
    lifecycle.close();
  }
}
