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
 * Creates N registration entries in one BatchCreateEntry over a server's admin socket, for footprint and
 * propagation measurements: {@code EntrySeeder SOCKET TRUST_DOMAIN PARENT_PATH COUNT SELECTOR_PREFIX}
 * (entry i gets selector {@code <prefix><i>}, e.g. {@code unix:uid:} → {@code unix:uid:20001}).
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
    try {
      BatchCreateEntryRequest.Builder request = BatchCreateEntryRequest.newBuilder();
      for (int i = 0; i < count; i++) {
        request.addEntries(Entry.newBuilder()
            .setSpiffeId(SPIFFEID.newBuilder().setTrustDomain(trustDomain).setPath("/seeded/" + i))
            .setParentId(SPIFFEID.newBuilder().setTrustDomain(trustDomain).setPath(parentPath))
            .addSelectors(Selector.newBuilder().setType(selectorPrefix.substring(0, separator))
                .setValue(selectorPrefix.substring(separator + 1) + i)));
      }
      long start = System.nanoTime();
      BatchCreateEntryResponse response = EntryGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
          .batchCreateEntry(request.build());
      long failed = response.getResultsList().stream().filter(r -> r.getStatus().getCode() != 0).count();
      System.out.printf("created %d entries (%d failed) in %d ms%n", count - failed, failed,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } finally {
      channel.shutdownNow();
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
  }
}
