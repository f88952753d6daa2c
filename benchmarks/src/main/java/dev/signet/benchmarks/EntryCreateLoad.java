package dev.signet.benchmarks;

import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.proto.spire.api.types.Selector;
import dev.signet.proto.transport.UnixSockets;
import io.grpc.ManagedChannel;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Acknowledged entry creates per second, one entry per {@code BatchCreateEntry} call as SPIRE's
 * {@code entry create} makes them, over a server's admin socket:
 * {@code EntryCreateLoad SOCKET TRUST_DOMAIN CALLS CONCURRENCY}. Prints the rate; asserts nothing.
 */
public final class EntryCreateLoad {
  private EntryCreateLoad() {}

  public static void main(String[] args) throws InterruptedException {
    Path socket = Path.of(args[0]);
    String trustDomain = args[1];
    int calls = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    String run = Long.toString(System.nanoTime(), 36);
    EventLoopGroup group = UnixSockets.newEventLoopGroup(1);
    ManagedChannel channel = UnixSockets.channel(socket, group);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    try {
      EntryGrpc.EntryBlockingStub stub = EntryGrpc.newBlockingStub(channel);
      create(stub, trustDomain, "warm-" + run, 0); // connection and server warm-up, not counted
      long start = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        threads.add(Thread.ofPlatform().start(() -> {
          for (int i = next.getAndIncrement(); i < calls; i = next.getAndIncrement()) {
            if (!create(stub, trustDomain, run, i)) {
              failed.incrementAndGet();
            }
          }
        }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("entry create: %d calls, %d clients, %d failed, %.2f s, %.0f creates/s, mean %.2f ms%n",
          calls, concurrency, failed.get(), seconds, calls / seconds, seconds * 1000 * concurrency / calls);
    } finally {
      channel.shutdownNow();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
  }

  private static boolean create(EntryGrpc.EntryBlockingStub stub, String trustDomain, String run, int i) {
    BatchCreateEntryResponse response = stub.withDeadlineAfter(30, TimeUnit.SECONDS).batchCreateEntry(
        BatchCreateEntryRequest.newBuilder().addEntries(Entry.newBuilder()
            .setSpiffeId(SPIFFEID.newBuilder().setTrustDomain(trustDomain).setPath("/load/" + run + "/" + i))
            .setParentId(SPIFFEID.newBuilder().setTrustDomain(trustDomain).setPath("/load/node"))
            .addSelectors(Selector.newBuilder().setType("unix").setValue("uid:" + (10_000 + i)))).build());
    return response.getResults(0).getStatus().getCode() == 0;
  }
}
