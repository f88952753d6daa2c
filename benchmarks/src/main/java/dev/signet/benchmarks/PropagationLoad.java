package dev.signet.benchmarks;

import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.proto.spire.api.types.Selector;
import dev.signet.proto.transport.UnixSockets;
import io.grpc.ManagedChannel;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end propagation against a running server and agent: holds an open FetchX509SVID stream as the
 * current uid, creates one entry at a time for that uid over the server's admin socket, and measures how
 * long until the stream delivers an SVID with the new SPIFFE ID. Prints percentiles; asserts nothing.
 *
 * <p>Usage: {@code PropagationLoad SERVER_ADMIN_SOCKET AGENT_SOCKET TRUST_DOMAIN PARENT_PATH [COUNT]}.
 */
public final class PropagationLoad {
  private PropagationLoad() {}

  public static void main(String[] args) throws Exception {
    Path serverSocket = Path.of(args[0]);
    Path agentSocket = Path.of(args[1]);
    String trustDomain = args[2];
    String parentPath = args[3];
    int count = args.length > 4 ? Integer.parseInt(args[4]) : 50;
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    EventLoopGroup group = UnixSockets.newEventLoopGroup(1);
    ManagedChannel server = UnixSockets.channel(serverSocket, group);
    try (WorkloadClient workload = new WorkloadClient(agentSocket)) {
      workload.watch();
      String run = UUID.randomUUID().toString().substring(0, 8);
      long[] latencies = new long[count];
      for (int i = 0; i < count; i++) {
        String path = "/propagation/" + run + "/" + i;
        long start = System.nanoTime();
        EntryGrpc.newBlockingStub(server).withDeadlineAfter(30, TimeUnit.SECONDS).batchCreateEntry(
            BatchCreateEntryRequest.newBuilder().addEntries(Entry.newBuilder()
                .setSpiffeId(SPIFFEID.newBuilder().setTrustDomain(trustDomain).setPath(path))
                .setParentId(SPIFFEID.newBuilder().setTrustDomain(trustDomain).setPath(parentPath))
                .addSelectors(Selector.newBuilder().setType("unix").setValue("uid:" + uid))).build());
        latencies[i] = workload.awaitWatched("spiffe://" + trustDomain + path, Duration.ofSeconds(30)) - start;
      }
      Arrays.sort(latencies);
      System.out.printf("entry created -> SVID on an open workload stream, %d entries: p50 %d ms, p90 %d ms, "
          + "p99 %d ms, max %d ms%n", count, ms(latencies, 0.5), ms(latencies, 0.9), ms(latencies, 0.99),
          latencies[count - 1] / 1_000_000);
    } finally {
      server.shutdownNow();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
  }

  private static long ms(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1_000_000;
  }
}
