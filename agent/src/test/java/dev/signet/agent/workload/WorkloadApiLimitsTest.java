package dev.signet.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.signet.attestors.workload.EtcUserDirectory;
import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.attestors.workload.unix.UnixAttestorConfig;
import dev.signet.attestors.workload.unix.UnixWorkloadAttestor;
import dev.signet.common.grpc.QueueingObserver;
import dev.signet.common.svid.JwtSvid;
import dev.signet.common.testing.RawCalls;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.JWTSVIDRequest;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import dev.signet.proto.workload.ValidateJWTSVIDRequest;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Workload API's resource limits over a real Unix socket: the inbound message size, the field bounds
 * and the per-uid budget of calls in progress (here 4, to keep the test small).
 */
class WorkloadApiLimitsTest {
  private static final TestIdentities TD = new TestIdentities("example.org");
  private static final Instant NOW = TestCertificate.NOW;
  private static final int BUDGET = 4;

  @TempDir Path temp;
  private final ManualClock clock = new ManualClock(NOW);
  private final List<Context.CancellableContext> streams = Collections.synchronizedList(new ArrayList<>());
  private WorkloadIdentityCache cache;
  private String uid;
  private WorkloadApiServer server;
  private EventLoopGroup clientGroup;
  private ManagedChannel channel;
  private SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIBlockingStub blocking;
  private SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIStub async;

  @BeforeEach
  void start() throws Exception {
    uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[2];
    cache = new WorkloadIdentityCache(IdentitySnapshot.empty(TD.bundle));
    cache.update(new IdentitySnapshot(TD.bundle, Map.of(), List.of(TD.identity("e1", "/me", "", "unix:uid:" + uid))));
    LinuxProcFs proc = LinuxProcFs.system();
    CallerAttestor attestor = new CallerAttestor(proc,
        List.of(new UnixWorkloadAttestor(UnixAttestorConfig.DEFAULT, proc, EtcUserDirectory.system())));
    JwtSvidCache jwts = new JwtSvidCache((entryId, id, audiences) -> new JwtSvid(id,
        TD.jwt(id.path(), audiences, NOW, NOW.plusSeconds(300)), audiences, NOW.plusSeconds(300), NOW), clock);
    server = WorkloadApiServer.start(temp.resolve("public/api.sock"), new WorkloadApiService(cache, attestor, jwts, clock),
        BUDGET);
    clientGroup = UnixSockets.newEventLoopGroup(1);
    channel = UnixSockets.channel(server.socket(), clientGroup);
    Metadata header = new Metadata();
    header.put(SecurityHeaderInterceptor.HEADER, "true");
    blocking = SpiffeWorkloadAPIGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header)).withDeadlineAfter(20, TimeUnit.SECONDS);
    async = SpiffeWorkloadAPIGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(header));
  }

  @AfterEach
  void stop() throws Exception {
    streams.forEach(s -> s.cancel(null));
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    clientGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    server.close();
  }

  /** The finding: 3.5 MiB requests were buffered whole (gRPC's default allows 4 MiB) in a 24 MB heap. */
  @Test
  void aRequestOfThreeAndAHalfMebibytesIsRefusedAndTheAgentKeepsServing() {
    String huge = "a".repeat(3 * 1024 * 1024 + 512 * 1024);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience(huge).build()))
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
          .hasMessageContaining(String.valueOf(WorkloadRequestLimits.MAX_MESSAGE_BYTES));
    }
    assertThat(blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("db").build()).getSvidsCount()).isOne();
    assertThat(blocking.fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next().getSvidsCount()).isOne();
  }

  @Test
  void fieldsBeyondTheirBoundsAreInvalidArgumentNamingTheBound() {
    JWTSVIDRequest.Builder many = JWTSVIDRequest.newBuilder();
    for (int i = 0; i <= WorkloadRequestLimits.MAX_AUDIENCES; i++) {
      many.addAudience("aud-" + i);
    }
    assertInvalid(() -> blocking.fetchJWTSVID(many.build()), "too many audiences: 33 exceeds the maximum of 32");
    String longAudience = "https://" + "x".repeat(WorkloadRequestLimits.MAX_AUDIENCE_LENGTH);
    assertInvalid(() -> blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience(longAudience).build()),
        "audience of 2056 bytes exceeds the maximum of 2048 (starts with \"https://xxxxxxxx");
    String longId = "spiffe://example.org/" + "p".repeat(WorkloadRequestLimits.MAX_SPIFFE_ID_LENGTH);
    assertInvalid(() -> blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("db").setSpiffeId(longId)
        .build()), "spiffe_id of 2069 bytes exceeds the maximum of 2048");
    String longToken = "e".repeat(WorkloadRequestLimits.MAX_TOKEN_LENGTH + 1);
    assertInvalid(() -> blocking.validateJWTSVID(ValidateJWTSVIDRequest.newBuilder().setAudience("db")
        .setSvid(longToken).build()), "svid of 16385 bytes exceeds the maximum of 16384");
    assertInvalid(() -> blocking.validateJWTSVID(ValidateJWTSVIDRequest.newBuilder().setAudience(longAudience)
        .setSvid("e.e.e").build()), "audience of 2056 bytes exceeds the maximum of 2048");

    // At the bounds everything is served: 32 audiences of 2048 bytes fit the socket's message size.
    JWTSVIDRequest.Builder largest = JWTSVIDRequest.newBuilder().setSpiffeId("spiffe://example.org/me");
    for (int i = 0; i < WorkloadRequestLimits.MAX_AUDIENCES; i++) {
      largest.addAudience(String.format("%04d", i) + "a".repeat(WorkloadRequestLimits.MAX_AUDIENCE_LENGTH - 4));
    }
    assertThat(blocking.fetchJWTSVID(largest.build()).getSvidsCount()).isOne();
  }

  @Test
  void aCallerBeyondItsBudgetOfOpenStreamsIsRefusedUntilOneEnds() throws Exception {
    for (int i = 0; i < BUDGET; i++) {
      assertThat(openStream().poll(20, TimeUnit.SECONDS)).isInstanceOf(X509SVIDResponse.class);
    }

    Object refused = openStream().poll(20, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(StatusRuntimeException.class);
    assertThat(code((Throwable) refused)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(((Throwable) refused).getMessage()).contains("already has 4 calls in progress");
    assertThatThrownBy(() -> blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("db").build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

    streams.getFirst().cancel(null); // the workload closes one stream: its slot comes back
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("db").build()).getSvidsCount())
            .isOne());
  }

  /**
   * Two uids on the real socket: uid 65534 (a process run through setpriv, speaking gRPC with curl) sends
   * oversized requests and far too many audiences, then holds as many streams as it can, while this
   * process (another uid) keeps fetching. Needs root, as the test machine runs, to switch uids.
   */
  @Test
  void aHostileUidFloodingTheSocketDoesNotStarveAnotherUid() throws Exception {
    assertThat(uid).as("this test switches uids and must run as root").isEqualTo("0");
    cache.update(new IdentitySnapshot(TD.bundle, Map.of(), List.of(TD.identity("e1", "/me", "", "unix:uid:0"),
        TD.identity("e2", "/nobody", "", "unix:uid:65534"))));
    Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(server.socket().getParent(),
        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path empty = grpcFrame("empty.bin", new byte[0]);
    Path huge = grpcFrame("huge.bin", JWTSVIDRequest.newBuilder()
        .addAudience("a".repeat(3 * 1024 * 1024 + 512 * 1024)).build().toByteArray());
    JWTSVIDRequest.Builder many = JWTSVIDRequest.newBuilder();
    for (int i = 0; i < 200; i++) { // 200 is far above the bound, yet within the message size
      many.addAudience("audience-" + i);
    }
    Path manyAudiences = grpcFrame("many.bin", many.build().toByteArray());

    assertThat(hostileCalls("FetchJWTSVID", huge, 3, 10)).containsExactly("8", "8", "8"); // too large
    assertThat(hostileCalls("FetchJWTSVID", manyAudiences, 3, 30)).containsExactly("3", "3", "3"); // INVALID_ARGUMENT

    // 16 streams at once from uid 65534 for 8 s: 4 are served and stay open, 12 are refused.
    var flood = java.util.concurrent.CompletableFuture.supplyAsync(() -> hostileCalls("FetchX509SVID", empty, 16, 8));
    await().atMost(Duration.ofSeconds(20)).until(() -> server.budgetInUse("uid 65534") == BUDGET);
    for (int i = 0; i < 20; i++) { // meanwhile another uid is served every time
      Context.CancellableContext fetch = Context.current().withCancellation(); // a new stream each time
      X509SVIDResponse mine = fetch.call(() -> blocking.fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next());
      fetch.cancel(null);
      assertThat(mine.getSvids(0).getSpiffeId()).isEqualTo("spiffe://example.org/me");
      assertThat(blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("db").build()).getSvidsCount()).isOne();
    }
    List<String> statuses = flood.get(60, TimeUnit.SECONDS);
    // the 4 served streams were open, without a status, until curl gave up
    assertThat(statuses).hasSize(16 - BUDGET).containsOnly("8");
  }

  /** A gRPC request body: uncompressed flag, big-endian length, the message. */
  private Path grpcFrame(String name, byte[] message) throws java.io.IOException {
    java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length)
        .put(message);
    Path file = temp.resolve(name);
    Files.write(file, frame.array());
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  /**
   * Runs {@code count} concurrent calls of {@code method} as uid 65534, each given up after
   * {@code seconds}, and returns the grpc-status of each call that ended with one (headers and trailers as
   * curl dumps them).
   */
  private List<String> hostileCalls(String method, Path body, int count, int seconds) {
    List<String> command = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "curl", "-s", "--http2-prior-knowledge", "--unix-socket", server.socket().toString(),
        "--max-time", String.valueOf(seconds),
        "-H", "content-type: application/grpc", "-H", "te: trailers", "-H", "workload.spiffe.io: true",
        "--data-binary", "@" + body, "-o", "/dev/null", "-D", "-", "http://localhost/SpiffeWorkloadAPI/" + method);
    try {
      List<Process> calls = new ArrayList<>();
      for (int i = 0; i < count; i++) { // one process per call: all from uid 65534, all at once
        calls.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
      }
      List<String> statuses = new ArrayList<>();
      for (Process curl : calls) {
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(curl.waitFor(seconds + 30L, TimeUnit.SECONDS)).isTrue();
        out.lines().map(String::strip).filter(l -> l.startsWith("grpc-status:"))
            .forEach(l -> statuses.add(l.substring("grpc-status:".length()).strip()));
      }
      return statuses;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Opens a FetchX509SVID stream kept open until the test ends; its messages and its end go to the queue. */
  private BlockingQueue<Object> openStream() {
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    Context.CancellableContext context = Context.current().withCancellation();
    streams.add(context);
    context.run(() -> async.fetchX509SVID(X509SVIDRequest.getDefaultInstance(),
        new QueueingObserver<>(received, "completed")));
    return received;
  }

  /** The finding: a body that is not protobuf was UNKNOWN with a stack trace in the agent's log per call. */
  @Test
  void aRequestBodyThatIsNotProtobufIsInvalidArgumentAndTheAgentKeepsServing() {
    Metadata header = new Metadata();
    header.put(SecurityHeaderInterceptor.HEADER, "true");
    for (int i = 0; i < 3; i++) {
      assertInvalid(() -> RawCalls.call(channel, "SpiffeWorkloadAPI/FetchX509SVID", header, RawCalls.GARBAGE),
          "request is not a valid X509SVIDRequest");
      assertInvalid(() -> RawCalls.call(channel, "SpiffeWorkloadAPI/FetchJWTSVID", header, RawCalls.GARBAGE),
          "request is not a valid JWTSVIDRequest");
    }
    assertThat(server.budgetInUse("uid " + uid)).as("refused calls gave their budget back").isZero();
    assertThat(blocking.fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next().getSvidsCount()).isOne();
  }

  private static void assertInvalid(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining(message);
  }

  private static Status.Code code(Throwable e) {
    return Status.fromThrowable(e).getCode();
  }
}
