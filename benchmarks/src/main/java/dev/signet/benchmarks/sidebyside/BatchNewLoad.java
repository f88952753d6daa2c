package dev.signet.benchmarks.sidebyside;

import com.google.protobuf.ByteString;
import dev.signet.agent.client.ServerConnection;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.Entry;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * BatchNewX509SVID as an agent calls it, by an attested {@link LoadAgent} that registers entries under its own
 * agent ID ({@link #register}) and then asks for SVIDs for all of them per call from several mTLS connections
 * ({@link #perSecond}, as often as wanted): SVIDs per second and the server's CPU time per SVID.
 */
final class BatchNewLoad {
  private final LoadAgent agent;
  private final BatchNewX509SVIDRequest request;

  private BatchNewLoad(LoadAgent agent, BatchNewX509SVIDRequest request) {
    this.agent = agent;
    this.request = request;
  }

  /** Registers {@code entriesPerCall} entries under the agent, each call asks for an SVID for every one. */
  static BatchNewLoad register(AdminApi admin, LoadAgent agent, int entriesPerCall) {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < entriesPerCall; i++) {
      entries.add(AdminApi.entry(agent.agentPath(), "/batch-load/" + i, "unix", "uid:" + (900_000 + i)));
    }
    ByteString csr = ByteString.copyFrom(Csrs.forKey(KeyType.EC_P256.generate()));
    BatchNewX509SVIDRequest.Builder request = BatchNewX509SVIDRequest.newBuilder();
    for (String id : admin.create(entries)) {
      request.addParams(NewX509SVIDParams.newBuilder().setEntryId(id).setCsr(csr));
    }
    return new BatchNewLoad(agent, request.build());
  }

  Throughput.Rate perSecond(int serverPort, long serverPid, int clients, int seconds) {
    List<ServerConnection> connections = new ArrayList<>();
    try {
      List<IntSupplier> calls = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        ServerConnection connection = ServerConnection.open("127.0.0.1", serverPort, agent.trust(), agent.svid());
        connections.add(connection);
        SVIDGrpc.SVIDBlockingStub svid = SVIDGrpc.newBlockingStub(connection.channel());
        calls.add(() -> issued(svid.withDeadlineAfter(30, TimeUnit.SECONDS).batchNewX509SVID(request)));
      }
      awaitAuthorized(calls.get(0));
      return Throughput.measure(calls, seconds, serverPid);
    } finally {
      connections.forEach(ServerConnection::close);
    }
  }

  /** Servers learn of new entries through caches (SPIRE's reloads every 5 s): wait until the first call succeeds. */
  private static void awaitAuthorized(IntSupplier call) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        call.getAsInt();
        return;
      } catch (IllegalStateException | StatusRuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the load client's entries were not authorized within 60 s", e);
        }
        LockSupport.parkNanos(200_000_000);
      }
    }
  }

  private static int issued(BatchNewX509SVIDResponse response) {
    for (BatchNewX509SVIDResponse.Result result : response.getResultsList()) {
      if (result.getStatus().getCode() != 0) {
        throw new IllegalStateException("BatchNewX509SVID refused an entry: " + result.getStatus().getMessage());
      }
    }
    return response.getResultsCount();
  }
}
