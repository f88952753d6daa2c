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
import java.util.concurrent.TimeUnit;

/**
 * Creates N registration entries over a server's admin socket, for footprint and propagation measurements:
 * {@code EntrySeeder SOCKET TRUST_DOMAIN PARENT_PATH COUNT SELECTOR_PREFIX [BATCH [FIRST]]} (entry i, counted from
 * FIRST, default 0, gets the path {@code /seeded/<i>} and the selector {@code <prefix><i>}, e.g. {@code unix:uid:}
 * → {@code unix:uid:20001}), in BatchCreateEntry calls of BATCH entries (default: all in one call).
 */
public final class EntrySeeder {
  private EntrySeeder() {}

  public static void main(String[] args) {
    Path socket = Path.of(args[0]);
    String trustDomain = args[1];
    String parentPath = args[2];
    int count = Integer.parseInt(args[3]);
    String selectorPrefix = args[4];
    int separator = selectorPrefix.indexOf(':');
    EventLoopGroup group = UnixSockets.newEventLoopGroup(1);
    ManagedChannel channel = UnixSockets.channel(socket, group);
    int batch = args.length > 5 ? Integer.parseInt(args[5]) : count;
    int first = args.length > 6 ? Integer.parseInt(args[6]) : 0;
    try {
      long start = System.nanoTime();
      long failed = 0;
      for (int from = first; from < first + count; from += batch) {
        BatchCreateEntryRequest.Builder request = BatchCreateEntryRequest.newBuilder();
        for (int i = from; i < Math.min(first + count, from + batch); i++) {
          request.addEntries(Entry.newBuilder()
              .setSpiffeId(SPIFFEID.newBuilder().setTrustDomain(trustDomain).setPath("/seeded/" + i))
              .setParentId(SPIFFEID.newBuilder().setTrustDomain(trustDomain).setPath(parentPath))
              .addSelectors(Selector.newBuilder().setType(selectorPrefix.substring(0, separator))
                  .setValue(selectorPrefix.substring(separator + 1) + i)));
        }
        BatchCreateEntryResponse response = EntryGrpc.newBlockingStub(channel)
            .withDeadlineAfter(120, TimeUnit.SECONDS).batchCreateEntry(request.build());
        failed += response.getResultsList().stream().filter(r -> r.getStatus().getCode() != 0).count();
      }
      System.out.printf("created %d entries (%d failed) in %d ms%n", count - failed, failed,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } finally {
      channel.shutdownNow();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
  }
}
