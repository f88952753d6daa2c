package dev.signet.benchmarks.sidebyside;

import com.google.protobuf.ByteString;
import dev.signet.agent.client.ServerConnection;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.Entry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Fault 8 of issue 15, the client side (driven by the it-test {@code ReconnectStormEndToEndTest}): many
 * {@link LoadAgent}s in one JVM, attested with join tokens and each with entries of its own, hold their
 * connections to the server; the test restarts the server; then every agent syncs at once as an agent does
 * after a reconnect (GetAuthorizedEntries, then BatchNewX509SVID for its entries) and retries with jittered
 * exponential back-off until it has all its SVIDs. Prints one {@code storm: ...} line of figures.
 *
 * <p>Usage: {@code ReconnectStorm <admin socket> <agent port> <agents> <entries per agent> <go file>
 * <deadline seconds>}. It prints {@code attested N} once the agents are ready, waits for the go file, then
 * storms.
 */
public final class ReconnectStorm {
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  private static final int CALL_DEADLINE_SECONDS = 30;

  private final Map<Status.Code, AtomicLong> failures = new ConcurrentHashMap<>();
  /** The first failure of each code, to say what it was. */
  private final Map<Status.Code, String> samples = new ConcurrentHashMap<>();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong svids = new AtomicLong();

  private ReconnectStorm() {}

  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    int agents = Integer.parseInt(args[2]);
    int entriesPerAgent = Integer.parseInt(args[3]);
    Path go = Path.of(args[4]);
    long deadlineNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
    new ReconnectStorm().run(socket, port, agents, entriesPerAgent, go, deadlineNanos);
  }

  private void run(Path socket, int port, int agents, int entriesPerAgent, Path go, long deadlineNanos)
      throws Exception {
    List<LoadAgent> attested = new ArrayList<>();
    try (AdminApi admin = new AdminApi(socket)) {
      long start = System.nanoTime();
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        List<Future<LoadAgent>> futures = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
          futures.add(pool.submit(() -> LoadAgent.attest(admin, port)));
        }
        for (Future<LoadAgent> future : futures) {
          attested.add(future.get());
        }
      }
      List<Entry> entries = new ArrayList<>();
      for (int a = 0; a < agents; a++) {
        for (int e = 0; e < entriesPerAgent; e++) {
          entries.add(AdminApi.entry(attested.get(a).agentPath(), "/storm/" + a + "/" + e, "unix", "uid:" + (1000 + e)));
        }
      }
      admin.create(entries);
      System.out.printf("attested %d agents with %d entries each in %d ms%n", agents, entriesPerAgent,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }
    // Each agent's connection is opened and used once before the restart, as a running agent's is.
    List<ServerConnection> connections = new ArrayList<>();
    for (LoadAgent agent : attested) {
      connections.add(ServerConnection.open("127.0.0.1", port, agent.trust(), agent.svid()));
    }
    try {
      ByteString csr = ByteString.copyFrom(Csrs.forKey(KeyType.EC_P256.generate()));
      syncAll(connections, csr, entriesPerAgent, System.nanoTime() + deadlineNanos, "before");
      failures.clear();
      samples.clear();
      calls.set(0);
      svids.set(0);
      System.out.println("connected; waiting for " + go);
      System.out.flush();
      while (!Files.exists(go)) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      syncAll(connections, csr, entriesPerAgent, System.nanoTime() + deadlineNanos, "storm");
    } finally {
      connections.forEach(ServerConnection::close);
    }
  }

  /** Every agent syncs at once, each on its own (virtual) thread, until all are synced or the deadline passes. */
  private void syncAll(List<ServerConnection> connections, ByteString csr, int entriesPerAgent, long deadline,
      String label) throws Exception {
    long start = System.nanoTime();
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<Long>> done = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (ServerConnection connection : connections) {
        done.add(pool.submit(() -> {
          gate.await();
          syncUntilDone(connection, csr, entriesPerAgent, deadline);
          return System.nanoTime() - start;
        }));
      }
      gate.countDown();
      long synced = 0;
      long last = 0;
      List<Long> times = new ArrayList<>();
      for (Future<Long> future : done) {
        try {
          long took = future.get();
          times.add(took);
          synced++;
          last = Math.max(last, took);
        } catch (java.util.concurrent.ExecutionException e) {
          System.out.println("storm: an agent did not sync: " + e.getCause());
        }
      }
      times.sort(null);
      Map<Status.Code, Long> byCode = new EnumMap<>(Status.Code.class);
      failures.forEach((code, count) -> byCode.put(code, count.get()));
      System.out.printf("%s: agents=%d synced=%d all_synced_ms=%d p50_ms=%d calls=%d svids=%d failures=%s%n", label,
          connections.size(), synced, TimeUnit.NANOSECONDS.toMillis(last),
          times.isEmpty() ? -1 : TimeUnit.NANOSECONDS.toMillis(times.get(times.size() / 2)), calls.get(), svids.get(),
          byCode);
      samples.forEach((code, message) -> System.out.printf("%s: first %s: %s%n", label, code, message));
      System.out.flush();
    }
  }

  /** One agent's sync, retried with jittered exponential back-off on any refusal, until done or the deadline. */
  private void syncUntilDone(ServerConnection connection, ByteString csr, int entriesPerAgent, long deadline) {
    long backoff = FIRST_BACKOFF_MILLIS;
    while (true) {
      try {
        sync(connection, csr, entriesPerAgent);
        return;
      } catch (StatusRuntimeException e) {
        failures.computeIfAbsent(e.getStatus().getCode(), c -> new AtomicLong()).incrementAndGet();
        samples.putIfAbsent(e.getStatus().getCode(), e.getStatus().getDescription()
            + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not synced before the deadline; last failure " + e.getStatus(), e);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1)));
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  private void sync(ServerConnection connection, ByteString csr, int entriesPerAgent) {
    calls.incrementAndGet();
    List<Entry> entries = EntryGrpc.newBlockingStub(connection.channel())
        .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS)
        .getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance()).getEntriesList();
    BatchNewX509SVIDRequest.Builder request = BatchNewX509SVIDRequest.newBuilder();
    for (Entry entry : entries) {
      if (entry.getSelectorsCount() > 0) { // not the node alias
        request.addParams(NewX509SVIDParams.newBuilder().setEntryId(entry.getId()).setCsr(csr));
      }
    }
    if (request.getParamsCount() != entriesPerAgent) {
      throw Status.FAILED_PRECONDITION.withDescription("authorized for " + request.getParamsCount() + " entries, not "
          + entriesPerAgent).asRuntimeException();
    }
    calls.incrementAndGet();
    BatchNewX509SVIDResponse response = SVIDGrpc.newBlockingStub(connection.channel())
        .withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS).batchNewX509SVID(request.build());
    for (BatchNewX509SVIDResponse.Result result : response.getResultsList()) {
      if (result.getStatus().getCode() != 0) {
        throw Status.fromCodeValue(result.getStatus().getCode()).withDescription(result.getStatus().getMessage())
            .asRuntimeException();
      }
    }
    svids.addAndGet(response.getResultsCount());
  }
}
