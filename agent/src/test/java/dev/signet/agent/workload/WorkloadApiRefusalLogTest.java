package dev.signet.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.logging.LogFields;
import dev.signet.common.testing.CapturedLogs;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import dev.signet.proto.transport.PeerCredentials;
import dev.signet.proto.workload.JWTSVIDRequest;
import dev.signet.proto.workload.JWTSVIDResponse;
import dev.signet.proto.workload.ValidateJWTSVIDRequest;
import dev.signet.proto.workload.ValidateJWTSVIDResponse;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every Workload API call that fails leaves exactly one line naming the caller (pid, uid, gid from the
 * kernel), the method and the status; a token handed to ValidateJWTSVID never reaches the log.
 */
class WorkloadApiRefusalLogTest {
  private static final TestIdentities TD = new TestIdentities("example.org");
  private static final Instant NOW = TestCertificate.NOW;
  private static final int PID = 4242;
  private static final PeerCredentials CALLER = new PeerCredentials(PID, 1000, 1001);

  private final FakeProcFs proc = new FakeProcFs();
  private final ManualClock clock = new ManualClock(NOW);
  private final WorkloadIdentityCache cache = new WorkloadIdentityCache(IdentitySnapshot.empty(TD.bundle));
  private final WorkloadApiService service = new WorkloadApiService(cache,
      new CallerAttestor(proc, List.of(new FakeUidAttestor(proc, () -> { }))), new JwtSvidCache((entryId, id, audiences) -> {
        throw new AssertionError("nothing is minted for a refused caller");
      }, clock), clock);

  @AfterEach
  void close() {
    service.close();
  }


  /** Runs {@code call} as {@link #CALLER} and returns the status it ended with. */
  private <R> Status callAs(java.util.function.Consumer<StreamObserver<R>> call) throws Exception {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<R> observer = new StreamObserver<>() {
      @Override
      public void onNext(R value) {
        ended.completeExceptionally(new AssertionError("a refused caller received " + value));
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        ended.complete(Status.OK);
      }
    };
    Context.current().withValue(PeerCredentials.CONTEXT_KEY, CALLER).run(() -> call.accept(observer));
    return ended.get(20, TimeUnit.SECONDS);
  }

  private static Map<String, Object> onlyLine(CapturedLogs logs) {
    assertThat(logs.events()).hasSize(1);
    ILoggingEvent line = logs.events().getFirst();
    assertThat(line.getLevel()).isEqualTo(Level.WARN);
    return CapturedLogs.fields(line);
  }

  @Test
  void aCallerThatCannotBeAttestedLeavesOneLineWithItsPidUidAndGid() throws Exception {
    // The process behind the socket is gone: attestation refuses it.
    try (CapturedLogs logs = CapturedLogs.of(WorkloadApiService.class)) {
      Status status = this.<X509SVIDResponse>callAs(o -> service.fetchX509SVID(X509SVIDRequest.getDefaultInstance(), o));

      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(onlyLine(logs)).containsExactly(
          Map.entry(LogFields.CODE, "PERMISSION_DENIED"), Map.entry(LogFields.METHOD, "FetchX509SVID"),
          Map.entry(LogFields.CALLER_PID, PID), Map.entry(LogFields.CALLER_UID, 1000),
          Map.entry(LogFields.CALLER_GID, 1001));
      assertThat(logs.events().getFirst().getFormattedMessage()).contains("process " + PID + " does not exist");
    }
  }

  @Test
  void aCallerRunningAsAnotherUserThanItConnectedAsIsRefusedWithOneLine() throws Exception {
    proc.processes.put(PID, new FakeProcFs.Proc(100, 0, 0));
    try (CapturedLogs logs = CapturedLogs.of(WorkloadApiService.class)) {
      Status status = this.<ValidateJWTSVIDResponse>callAs(o -> service.validateJWTSVID(
          ValidateJWTSVIDRequest.newBuilder().setAudience("db").setSvid("a.b.c").build(), o));

      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(onlyLine(logs)).containsEntry(LogFields.METHOD, "ValidateJWTSVID").containsEntry(LogFields.CALLER_PID, PID);
      assertThat(logs.events().getFirst().getFormattedMessage())
          .isEqualTo("workload attestation refused: process 4242 runs as uid 0 gid 0 but connected as uid 1000 gid 1001");
    }
  }

  @Test
  void aCallerWithNoIdentityLeavesOneLineWithTheSelectorsItWasAttestedWith() throws Exception {
    proc.processes.put(PID, new FakeProcFs.Proc(100, 1000, 1001));
    cache.update(new IdentitySnapshot(TD.bundle, Map.of(), List.of(TD.identity("e1", "/web", "", "fake:uid:7"))));
    try (CapturedLogs logs = CapturedLogs.of(WorkloadApiService.class)) {
      Status status = this.<JWTSVIDResponse>callAs(o -> service.fetchJWTSVID(
          JWTSVIDRequest.newBuilder().addAudience("db").build(), o));

      assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(onlyLine(logs)).containsExactly(
          Map.entry(LogFields.CODE, "PERMISSION_DENIED"), Map.entry(LogFields.METHOD, "FetchJWTSVID"),
          Map.entry(LogFields.CALLER_PID, PID), Map.entry(LogFields.CALLER_UID, 1000),
          Map.entry(LogFields.CALLER_GID, 1001), Map.entry(LogFields.SELECTORS, List.of("fake:uid:1000")));
      assertThat(logs.events().getFirst().getFormattedMessage()).isEqualTo("no identity issued");
    }
  }

  @Test
  void aRefusedTokenNeverReachesTheLog() throws Exception {
    proc.processes.put(PID, new FakeProcFs.Proc(100, 1000, 1001));
    cache.update(new IdentitySnapshot(TD.bundle, Map.of(), List.of(TD.identity("e1", "/web", "", "fake:uid:1000"))));
    // Well formed and signed, but by a key the bundle does not hold; and one the bundle holds, for another audience.
    String forged = TD.jwt(KeyType.EC_P256.generate(), TD.jwtKeyId, "/db", List.of("db"), NOW, NOW.plusSeconds(300));
    String otherAudience = TD.jwt("/db", List.of("other"), NOW, NOW.plusSeconds(300));
    for (String token : List.of(forged, otherAudience)) {
      try (CapturedLogs logs = CapturedLogs.all()) {
        Status status = this.<ValidateJWTSVIDResponse>callAs(o -> service.validateJWTSVID(
            ValidateJWTSVIDRequest.newBuilder().setAudience("db").setSvid(token).build(), o));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(logs.withField(LogFields.METHOD)).hasSize(1);
        String[] parts = token.split("\\.");
        assertThat(logs.text()).doesNotContain(token).doesNotContain(parts[1]).doesNotContain(parts[2]);
      }
    }
  }
}
