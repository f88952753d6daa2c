package dev.signet.agent.workload;

import dev.signet.common.grpc.ConcurrentCallLimit;
import dev.signet.common.grpc.MalformedRequests;
import dev.signet.common.grpc.UnixSocketServers;
import dev.signet.common.lifecycle.Lifecycle;
import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.netty.channel.EventLoopGroup;
import dev.signet.common.telemetry.Metrics;
import dev.signet.common.telemetry.RpcMetricsInterceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's public Unix socket: the SPIFFE Workload API (behind the security header check), Envoy's
 * SDS when given (see {@code dev.signet.agent.sds}) and {@code grpc.health.v1}. Start with {@link #start}, stop with {@link #close}.
 *
 * <p>Security: the socket file is made world-accessible (0777), as SPIRE's is, because the socket is meant
 * for every local process; authorization happens per call from SO_PEERCRED and workload attestation, never
 * from file permissions. Restrict access with the parent directory's permissions if needed.
 *
 * <p>Security — resource limits: one local caller must not be able to exhaust the agent's small heap for
 * everyone else. A request larger than {@link WorkloadRequestLimits#MAX_MESSAGE_BYTES} is refused by gRPC
 * with RESOURCE_EXHAUSTED before it is buffered (gRPC's default would hold 4 MiB per call); a caller uid
 * with more than its budget of calls in progress (streams count while open) gets RESOURCE_EXHAUSTED for
 * the excess ({@link PerUidQuotas}, {@link ConcurrentCallLimit}); fields beyond the
 * {@link WorkloadRequestLimits} are INVALID_ARGUMENT. What one uid can pin is so about
 * budget × message size (32 × 96 KiB = 3 MiB by default).
 *
 * <p>Performance: calls run on the socket's event loop ({@code directExecutor}), saving two thread
 * hand-offs per call (p50 of a first FetchX509SVID 472 µs → 329 µs, benchmarks/RESULTS.md). Handlers
 * must therefore not block: attestation reads /proc and is cached briefly, and the one handler that may
 * wait for the server (FetchJWTSVID) moves itself to a virtual thread. When a configured workload attestor
 * calls a daemon (docker), every call runs on a virtual thread instead.
 */
public final class WorkloadApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadApiServer.class);
  /** SPIRE's default agent socket. */
  public static final Path DEFAULT_SOCKET = Path.of("/tmp/spire-agent/public/api.sock");

  private final Path socket;
  private final Server server;
  private final HealthStatusManager health;
  /** The names health reports on: "" (the whole socket) and each service. */
  private final List<String> services;
  private final ConcurrentCallLimit perUid;
  /** The event loops, the call executor (when this server made one), the server and its socket file. */
  private final Lifecycle lifecycle;

  private WorkloadApiServer(Path socket, Server server, HealthStatusManager health, List<String> services,
      ConcurrentCallLimit perUid, Lifecycle lifecycle) {
    this.services = List.copyOf(services);
    this.perUid = perUid;
    this.socket = socket;
    this.server = server;
    this.health = health;
    this.lifecycle = lifecycle;
  }

  /**
   * Binds {@code socket} (creating its parent directories, replacing a stale socket file) and starts
   * serving {@code service}.
   */
  public static WorkloadApiServer start(Path socket, WorkloadApiService service) throws IOException {
    return start(socket, service, PerUidQuotas.DEFAULT_MAX_CALLS_PER_UID);
  }

  /**
   * As {@link #start(Path, WorkloadApiService)}, with at most {@code maxCallsPerUid} calls (streams
   * included) in progress per caller uid; see {@link PerUidQuotas}.
   */
  public static WorkloadApiServer start(Path socket, WorkloadApiService service, int maxCallsPerUid)
      throws IOException {
    return start(socket, service, maxCallsPerUid, null);
  }

  /**
   * As {@link #start(Path, WorkloadApiService, int)}, also serving Envoy's SDS ({@code sds}, may be null)
   * on the same socket. Security: SDS is not behind the {@link SecurityHeaderInterceptor} (Envoy sends no
   * such header, and SPIRE does not ask for it); it attests its callers itself, like the Workload API, and
   * shares the per-uid call budget and message limits.
   */
  public static WorkloadApiServer start(Path socket, WorkloadApiService service, int maxCallsPerUid,
      BindableService sds) throws IOException {
    return start(socket, service, maxCallsPerUid, sds, Metrics.NONE);
  }

  /**
   * As {@link #start(Path, WorkloadApiService, int, BindableService)}, counting every call on the socket in
   * {@code metrics} (SPIRE's {@code rpc_workload_api_<method>}, {@code rpc_sds_v3_<method>}, refusals of the
   * per-uid budget included) and the Workload API's calls in progress ({@link WorkloadConnections}).
   */
  public static WorkloadApiServer start(Path socket, WorkloadApiService service, int maxCallsPerUid,
      BindableService sds, Metrics metrics) throws IOException {
    Objects.requireNonNull(socket, "socket path");
    ConcurrentCallLimit perUid = new ConcurrentCallLimit(new PerUidQuotas(maxCallsPerUid));
    Path absolute = socket.toAbsolutePath();
    if (!Files.isDirectory(absolute.getParent())) {
      // Every local workload must reach the socket: a directory we create is 0755, not the umask's 0750.
      Files.createDirectories(absolute.getParent());
      Files.setPosixFilePermissions(absolute.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Lifecycle lifecycle = new Lifecycle("workload api");
    EventLoopGroup boss = lifecycle.pushEventLoops("boss event loop", UnixSockets.newEventLoopGroup(1));
    EventLoopGroup workers = lifecycle.pushEventLoops("worker event loops",
        UnixSockets.newEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors())));
    HealthStatusManager health = new HealthStatusManager();
    var builder = UnixSockets.serverBuilder(absolute, boss, workers)
        .maxInboundMessageSize(WorkloadRequestLimits.MAX_MESSAGE_BYTES)
        .maxInboundMetadataSize(WorkloadRequestLimits.MAX_METADATA_BYTES)
        .intercept(perUid); // every service on the socket, health watches included
    if (metrics.enabled()) {
      builder.intercept(new RpcMetricsInterceptor(metrics)); // added last, runs first: sees perUid's refusals
    }
    if (service.mayBlock()) {
      // Supplied here, so shut down here (after the server), as grpc-java asks.
      builder.executor(lifecycle.pushExecutor("call executor",
          Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("workload-api-", 0).factory())));
    } else {
      builder.directExecutor();
    }
    // A request that does not parse is INVALID_ARGUMENT, logged once per uid and interval (MalformedRequests).
    MalformedRequests malformed = new MalformedRequests();
    builder
        .addService(malformed.guard(metrics.enabled()
            ? ServerInterceptors.intercept(service, new SecurityHeaderInterceptor(), new WorkloadConnections(metrics))
            : ServerInterceptors.intercept(service, new SecurityHeaderInterceptor())))
        .addService(malformed.guard(health.getHealthService().bindService()));
    List<String> served = new ArrayList<>(List.of("", SpiffeWorkloadAPIGrpc.SERVICE_NAME));
    if (sds != null) {
      ServerServiceDefinition definition = sds.bindService();
      builder.addService(malformed.guard(definition));
      served.add(definition.getServiceDescriptor().getName());
    }
    Server server = builder.build();
    UnixSocketServers.start(lifecycle, server, absolute, "rwxrwxrwx", health::enterTerminalState);
    served.forEach(name -> health.setStatus(name, ServingStatus.SERVING));
    LOG.info("workload api listening on {}", absolute);
    return new WorkloadApiServer(absolute, server, health, served, perUid, lifecycle);
  }

  /** Calls in progress counted against {@code caller} ("uid 1000", see {@link PerUidQuotas}). */
  public int budgetInUse(String caller) {
    return perUid.inProgress(caller);
  }

  public Path socket() {
    return socket;
  }

  /** Marks the server NOT_SERVING for health checks (e.g. while the agent has lost its SVID). */
  public void setServing(boolean serving) {
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    services.forEach(name -> health.setStatus(name, status));
  }

  /**
   * Stops accepting calls, ends open streams after {@code grace}, stops the event loops and the call
   * executor (awaited, see {@link Lifecycle}) and removes the socket file.
   */
  public void stop(Duration grace) {
    health.enterTerminalState();
    server.shutdown();
    try {
      server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the lifecycle cancels the calls at once
    }
    lifecycle.close();
  }

  /** {@link #stop} with no grace: open streams are cancelled at once. */
  @Override
  public void close() {
    stop(Duration.ZERO);
  }
}
