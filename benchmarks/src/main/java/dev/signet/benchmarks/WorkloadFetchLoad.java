package dev.signet.benchmarks;

import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.CallerAttestor;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.WorkloadApiServer;
import dev.signet.agent.workload.WorkloadApiService;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.common.bundle.Bundle;
import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load driver for the Workload API's hot path: FetchX509SVID first response with a cached SVID, the real
 * unix workload attestor (SO_PEERCRED + /proc) and the pid-reuse guard, over a real Unix socket. Prints
 * latency percentiles of sequential calls and the throughput of concurrent callers; asserts nothing.
 *
 * <p>Usage: {@code WorkloadFetchLoad [sequentialCalls] [concurrency] [seconds] [unix|docker|k8s]}; docker and
 * k8s need root (see {@link AttestorEnvironment}).
 */
public final class WorkloadFetchLoad {
  private static final Metadata.Key<String> HEADER = Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

  private WorkloadFetchLoad() {}

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    String mode = args.length > 3 ? args[3] : "unix";
    BenchmarkCa ca = new BenchmarkCa();
    Path work = Files.createTempDirectory("signet-fetch-load");
    try (AttestorEnvironment environment = AttestorEnvironment.create(mode, work)) {
      run(ca, environment, calls, concurrency, seconds);
    }
  }

  private static void run(BenchmarkCa ca, AttestorEnvironment environment, int calls, int concurrency, int seconds)
      throws Exception {
    CachedIdentity identity = new CachedIdentity("bench-entry", ca.trustDomain.id("/bench"),
        Set.of(environment.selector()), ca.svid("/bench"), "", List.of());
    WorkloadIdentityCache cache = new WorkloadIdentityCache(new IdentitySnapshot(
        Bundle.ofX509(ca.trustDomain, List.of(ca.authority.certificate())), Map.of(), List.of(identity)));
    CallerAttestor attestor = new CallerAttestor(LinuxProcFs.system(), List.of(environment.attestor()));
    WorkloadApiService service = new WorkloadApiService(cache, attestor,
        new JwtSvidCache((entry, id, audience) -> { throw new IllegalStateException("unused"); }, Clock.systemUTC()),
        Clock.systemUTC());
    System.out.printf("attestor %s, selector %s%n", environment.attestor().name(), environment.selector());
    Path socket = Path.of("/tmp/signet-bench-" + ProcessHandle.current().pid() + ".sock");
    EventLoopGroup group = UnixSockets.newEventLoopGroup(2);
    try (WorkloadApiServer server = WorkloadApiServer.start(socket, service)) {
      ManagedChannel channel = UnixSockets.channel(socket, group);
      Metadata headers = new Metadata();
      headers.put(HEADER, "true");
      // Callbacks on the channel's event loop, as a lean workload client would run them.
      SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIStub stub = SpiffeWorkloadAPIGrpc.newStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).withExecutor(Runnable::run);
      for (int i = 0; i < 3_000; i++) {
        firstResponse(stub).get(5, TimeUnit.SECONDS);
      }
      long[] latencies = new long[calls];
      for (int i = 0; i < calls; i++) {
        long start = System.nanoTime();
        firstResponse(stub).get(5, TimeUnit.SECONDS);
        latencies[i] = System.nanoTime() - start;
      }
      Arrays.sort(latencies);
      System.out.printf("FetchX509SVID first response, sequential, %d calls: p50 %d us, p90 %d us, p99 %d us, max %d us%n",
          calls, micros(latencies, 0.50), micros(latencies, 0.90), micros(latencies, 0.99),
          latencies[calls - 1] / 1000);
      System.out.printf("FetchX509SVID throughput, %d concurrent callers, %d s: %.0f fetches/s%n", concurrency,
          seconds, throughput(stub, concurrency, seconds));
      channel.shutdownNow();
    } finally {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      Files.deleteIfExists(socket);
    }
  }

  private static double throughput(SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIStub stub, int concurrency, int seconds)
      throws InterruptedException {
    LongAdder done = new LongAdder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Thread[] threads = new Thread[concurrency];
    for (int t = 0; t < concurrency; t++) {
      threads[t] = Thread.ofPlatform().start(() -> {
        while (System.nanoTime() < deadline) {
          try {
            firstResponse(stub).get(5, TimeUnit.SECONDS);
            done.increment();
          } catch (Exception e) {
            throw new IllegalStateException("fetch failed", e);
          }
        }
      });
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return done.sum() / (double) seconds;
  }

  /** Opens FetchX509SVID, completes with the first response, then cancels the stream. */
  private static CompletableFuture<X509SVIDResponse> firstResponse(SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIStub stub) {
    CompletableFuture<X509SVIDResponse> first = new CompletableFuture<>();
    stub.fetchX509SVID(X509SVIDRequest.getDefaultInstance(), new ClientResponseObserver<X509SVIDRequest, X509SVIDResponse>() {
      private ClientCallStreamObserver<X509SVIDRequest> call;

      @Override
      public void beforeStart(ClientCallStreamObserver<X509SVIDRequest> requestStream) {
        call = requestStream;
      }

      @Override
      public void onNext(X509SVIDResponse response) {
        first.complete(response);
        call.cancel("done", null);
      }

      @Override
      public void onError(Throwable t) {
        first.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        first.completeExceptionally(new IllegalStateException("stream ended without a response"));
      }
    });
    return first;
  }

  private static long micros(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1000;
  }
}
