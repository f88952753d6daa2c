package dev.signet.server.endpoint;

import dev.signet.common.grpc.ConcurrentCallLimit;
import dev.signet.common.grpc.MalformedRequests;
import dev.signet.common.lifecycle.Lifecycle;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.proto.transport.UnixSockets;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import dev.signet.common.telemetry.Metrics;
import dev.signet.common.telemetry.RpcMetricsInterceptor;
import io.grpc.ForwardingServerCallListener;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server's two listeners: TCP with TLS (agents and remote admins; client certificates requested,
 * not required) and the admin Unix socket (local callers only; directory mode 0770).
 *
 * <p>TLS session resumption is off: every connection runs a full handshake, so a client certificate is
 * re-verified against the current bundle each time (SPIRE disables session tickets for the same reason).
 */
public final class Endpoints implements AutoCloseable {
  static {
    System.setProperty("jdk.tls.server.enableSessionTicketExtension", "false");
  }

  /**
   * Service code reports failures by throwing {@link StatusRuntimeException}; grpc-java itself would close
   * such a call with UNKNOWN ("Application error processing RPC"), losing the code SPIRE clients act on.
   * This guard closes the call with the thrown status and trailers instead, whether the handler threw while
   * starting (streaming handlers run in {@code startCall}) or in a listener callback (unary handlers run on
   * half-close). Handlers that throw run on the call's own serialized executor, so closing here does not
   * race with their writes.
   */
  private static final ServerInterceptor STATUS_EXCEPTIONS = new ServerInterceptor() {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      ServerCall.Listener<Q> listener;
      try {
        listener = next.startCall(call, headers);
      } catch (StatusRuntimeException e) {
        close(call, e);
        return new ServerCall.Listener<>() {};
      }
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
        @Override
        public void onMessage(Q message) {
          try {
            super.onMessage(message);
          } catch (StatusRuntimeException e) {
            close(call, e);
          }
        }

        @Override
        public void onHalfClose() {
          try {
            super.onHalfClose();
          } catch (StatusRuntimeException e) {
            close(call, e);
          }
        }

        @Override
        public void onReady() {
          try {
            super.onReady();
          } catch (StatusRuntimeException e) {
            close(call, e);
          }
        }
      };
    }

    private static <Q, R> void close(ServerCall<Q, R> call, StatusRuntimeException e) {
      Metadata trailers = e.getTrailers();
      try {
        call.close(e.getStatus(), trailers == null ? new Metadata() : trailers);
      } catch (IllegalStateException alreadyClosed) {
        // The handler closed the call before throwing; the client already has its answer.
      }
    }
  };

  /**
   * Largest request message the admin Unix socket accepts; a larger one is refused by gRPC with
   * RESOURCE_EXHAUSTED naming both sizes before any of it is buffered. Its largest requests are the admin
   * batches (BatchCreateEntry of {@code Paging.MAX_BATCH_SIZE} entries, several large federated bundles):
   * 16 MiB fits a full batch of ordinary entries. The socket is reachable only by the server's user and
   * group, so no per-caller call budget applies there.
   */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;

  /**
   * Largest request message the TCP endpoint accepts: 4 MiB, the limit SPIRE's server has on the same
   * port (grpc-go's default), so every request a SPIRE or Signet agent sends fits. The largest legitimate
   * ones are an agent's BatchNewX509SVID (a Signet agent sends at most 500 CSRs of 0.3-2 KiB each, about
   * 1 MiB) and AttestAgent payloads (TPM, x509pop, Kubernetes tokens: a few KiB to tens of KiB). The
   * endpoint is reachable by anyone on the network before they authenticate, so it takes less than the
   * admin socket; remote admins send larger batches in several requests, as SPIRE requires too.
   * Together with the per-caller budget ({@link TcpCallQuotas}) this bounds what one caller can pin.
   */
  public static final int MAX_TCP_INBOUND_MESSAGE_BYTES = 4 * 1024 * 1024;

  /** Largest header block either listener accepts: gRPC's own default (8 KiB), stated as a decision. */
  public static final int MAX_INBOUND_METADATA_BYTES = 8 * 1024;

  /** Calls in progress get this long to finish when the server stops, then they are cancelled. */
  private static final Duration GRACE = Duration.ofSeconds(5);

  private final Lifecycle lifecycle = new Lifecycle("grpc endpoints");
  private final EventLoopGroup boss = lifecycle.pushEventLoops("boss event loop",
      new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory()));
  private final EventLoopGroup workers = lifecycle.pushEventLoops("worker event loops",
      new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory()));
  private volatile Server tcp;

  /**
   * Starts both listeners.
   *
   * @param services service implementations, each already wrapped with its authorization
   * @param authorization the interceptor that runs after caller identification
   * @param metrics where every call is counted and timed (SPIRE's {@code rpc_<service>_<method>})
   */
  public void start(InetSocketAddress tcpAddress, Path adminSocket, SvidKeyManager keyManager,
      X509ExtendedTrustManager clientVerifier, List<BindableService> services, ServerInterceptor authorization,
      ServerInterceptor audit, Executor executor, Metrics metrics) throws IOException {
    NettyServerBuilder tcpBuilder = NettyServerBuilder.forAddress(tcpAddress)
        .channelType(EpollServerSocketChannel.class)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .executor(executor)
        .sslContext(tlsContext(keyManager, clientVerifier))
        .maxInboundMessageSize(MAX_TCP_INBOUND_MESSAGE_BYTES)
        .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true);
    Path dir = adminSocket.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      // A directory we create is 0770; an existing one (even /tmp) is the operator's and keeps its mode.
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwx---")));
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    }
    NettyServerBuilder adminBuilder = UnixSockets.serverBuilder(adminSocket, boss, workers).executor(executor)
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES);
    // Interceptors run last-listed first: caller identification, on TCP the per-caller budget of calls in
    // progress (TcpCallQuotas; one budget across all services), the audit record (which so sees refusals
    // too), authorization, then the guard that turns a StatusRuntimeException thrown by service code into
    // that status (see STATUS_EXCEPTIONS). Outermost, a request that does not parse is INVALID_ARGUMENT
    // (MalformedRequests, one log line per caller and interval across both listeners). The call counter runs
    // first of all, so it sees every status a call ends with, refusals included.
    ServerInterceptor rpcMetrics = new RpcMetricsInterceptor(metrics);
    ConcurrentCallLimit tcpBudget = new ConcurrentCallLimit(new TcpCallQuotas());
    MalformedRequests malformed = new MalformedRequests();
    for (BindableService service : services) {
      tcpBuilder.addService(malformed.guard(ServerInterceptors.intercept(service, STATUS_EXCEPTIONS, authorization,
          audit, tcpBudget, CallerInterceptor.forTcp(), rpcMetrics)));
      adminBuilder.addService(malformed.guard(ServerInterceptors.intercept(service, STATUS_EXCEPTIONS,
          authorization, audit, CallerInterceptor.forAdminSocket(), rpcMetrics)));
    }
    tcp = lifecycle.pushServer("tcp listener", tcpBuilder.build().start(), GRACE);
    lifecycle.pushServer("admin socket listener", adminBuilder.build().start(), GRACE);
  }

  /** The bound TCP port (useful with {@code bind_port = 0}). */
  public int tcpPort() {
    return tcp.getPort();
  }

  private static SslContext tlsContext(SvidKeyManager keyManager, X509ExtendedTrustManager clientVerifier)
      throws SSLException {
    SslContextBuilder builder = SslContextBuilder.forServer(keyManager)
        .trustManager(clientVerifier)
        .clientAuth(ClientAuth.OPTIONAL)
        .sessionCacheSize(1)
        .sessionTimeout(1);
    return GrpcSslContexts.configure(builder, TlsProviders.provider()).build();
  }

  /**
   * Stops accepting calls, lets running calls finish for a short grace, cancels the rest, then stops the
   * event loops; the executor was supplied by the caller, who shuts it down.
   */
  @Override
  public void close() {
    lifecycle.close();
  }
}
