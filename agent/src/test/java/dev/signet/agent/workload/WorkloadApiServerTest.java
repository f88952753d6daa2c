package dev.signet.agent.workload;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.signet.attestors.workload.EtcUserDirectory;
import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.attestors.workload.unix.UnixAttestorConfig;
import dev.signet.attestors.workload.unix.UnixWorkloadAttestor;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.grpc.QueueingObserver;
import dev.signet.common.svid.JwtSvid;
import dev.signet.common.logging.LogFields;
import dev.signet.common.testing.CapturedLogs;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.JWTBundlesRequest;
import dev.signet.proto.workload.JWTBundlesResponse;
import dev.signet.proto.workload.JWTSVIDRequest;
import dev.signet.proto.workload.JWTSVIDResponse;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import dev.signet.proto.workload.ValidateJWTSVIDRequest;
import dev.signet.proto.workload.ValidateJWTSVIDResponse;
import dev.signet.proto.workload.X509BundlesRequest;
import dev.signet.proto.workload.X509BundlesResponse;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Workload API over a real Unix socket, attesting this test JVM with the real unix attestor. */
class WorkloadApiServerTest {
  private static final TestIdentities TD = new TestIdentities("example.org");
  private static final TestIdentities FOREIGN = new TestIdentities("foreign.test");
  private static final Instant NOW = TestCertificate.NOW;

  @TempDir Path temp;
  private final ManualClock clock = new ManualClock(NOW);
  private final List<List<String>> jwtRequests = new ArrayList<>();
  private WorkloadIdentityCache cache;
  private WorkloadApiServer server;
  private EventLoopGroup clientGroup;
  private ManagedChannel channel;
  private SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIBlockingStub blocking;
  private SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIStub async;
  private String mySelector;

  @BeforeEach
  void start() throws Exception {
    String uidLine = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
    mySelector = "unix:uid:" + uidLine.split("\\s+")[2];
    cache = new WorkloadIdentityCache(IdentitySnapshot.empty(TD.bundle));
    LinuxProcFs proc = LinuxProcFs.system();
    CallerAttestor attestor = new CallerAttestor(proc,
        List.of(new UnixWorkloadAttestor(UnixAttestorConfig.DEFAULT, proc, EtcUserDirectory.system())));
    JwtSvidCache jwts = new JwtSvidCache((entryId, id, audiences) -> {
      jwtRequests.add(audiences);
      return new JwtSvid(id, TD.jwt(id.path(), audiences, NOW, NOW.plusSeconds(300)), audiences,
          NOW.plusSeconds(300), NOW);
    }, clock);
    server = WorkloadApiServer.start(temp.resolve("public/api.sock"),
        new WorkloadApiService(cache, attestor, jwts, clock));
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
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    clientGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    server.close();
  }

  private void serve(CachedIdentity... identities) {
    cache.update(new IdentitySnapshot(TD.bundle, Map.of(FOREIGN.trustDomain, FOREIGN.bundle), List.of(identities)));
  }

  private static Status.Code code(Throwable e) {
    return Status.fromThrowable(e).getCode();
  }

  @Test
  void socketIsWorldAccessibleAndHealthNeedsNoHeader() throws Exception {
    assertThat(mode(server.socket())).isEqualTo("rwxrwxrwx");
    HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().build());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void missingSecurityHeaderIsInvalidArgument() {
    var bare = SpiffeWorkloadAPIGrpc.newBlockingStub(channel);
    assertThatThrownBy(() -> bare.fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next())
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("security header missing from request");
    Metadata wrong = new Metadata();
    wrong.put(SecurityHeaderInterceptor.HEADER, "yes");
    var wrongValue = bare.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(wrong));
    assertThatThrownBy(() -> wrongValue.validateJWTSVID(ValidateJWTSVIDRequest.newBuilder()
        .setAudience("a").setSvid("x").build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void aCallWithoutTheSecurityHeaderLeavesOneLineWithTheMethodAndTheCaller() throws Exception {
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    try (CapturedLogs logs = CapturedLogs.of(WorkloadApiService.class); CapturedLogs all = CapturedLogs.all()) {
      assertThatThrownBy(() -> SpiffeWorkloadAPIGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
          .fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next())
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));

      assertThat(logs.events()).hasSize(1);
      assertThat(logs.events().getFirst().getFormattedMessage()).isEqualTo("security header missing from request");
      assertThat(CapturedLogs.fields(logs.events().getFirst())).containsEntry(LogFields.CODE, "INVALID_ARGUMENT")
          .containsEntry(LogFields.METHOD, "FetchX509SVID")
          .containsEntry(LogFields.CALLER_PID, (int) ProcessHandle.current().pid())
          .containsEntry(LogFields.CALLER_UID, uid).containsKey(LogFields.CALLER_GID);
      assertThat(all.withField(LogFields.CODE)).hasSize(1);
    }
  }

  @Test
  void callerWithoutIdentityIsPermissionDenied() {
    serve(TD.identity("e1", "/other", "", "unix:uid:4242424"));
    assertThatThrownBy(() -> blocking.fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("no identity issued");
    assertThatThrownBy(() -> blocking.fetchX509Bundles(X509BundlesRequest.getDefaultInstance()).next())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> blocking.fetchJWTBundles(JWTBundlesRequest.getDefaultInstance()).next())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("a").build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void matchingUidSelectorServesTheSvidKeyAndBundle() throws Exception {
    CachedIdentity web = TD.identity("e1", "/web", "internal", List.of(FOREIGN.trustDomain), mySelector);
    serve(web, TD.identity("e2", "/other", "", "unix:uid:4242424"));

    X509SVIDResponse response = blocking.fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next();

    assertThat(response.getSvidsList()).hasSize(1);
    var svid = response.getSvids(0);
    assertThat(svid.getSpiffeId()).isEqualTo("spiffe://example.org/web");
    assertThat(svid.getHint()).isEqualTo("internal");
    assertThat(certificates(svid.getX509Svid())).containsExactlyElementsOf(web.svid().chain());
    assertThat(svid.getX509SvidKey().toByteArray()).isEqualTo(web.svid().privateKey().getEncoded());
    assertThat(certificates(svid.getBundle())).containsExactly(TD.ca.certificate());
    assertThat(response.getFederatedBundlesMap()).containsOnlyKeys("spiffe://foreign.test");
    assertThat(certificates(response.getFederatedBundlesOrThrow("spiffe://foreign.test")))
        .containsExactly(FOREIGN.ca.certificate());

    X509BundlesResponse bundles = blocking.fetchX509Bundles(X509BundlesRequest.getDefaultInstance()).next();
    assertThat(bundles.getBundlesMap()).containsOnlyKeys("spiffe://example.org", "spiffe://foreign.test");

    JWTBundlesResponse jwtBundles = blocking.fetchJWTBundles(JWTBundlesRequest.getDefaultInstance()).next();
    var decoded = JwksCodec.decode(TD.trustDomain, jwtBundles.getBundlesOrThrow("spiffe://example.org").toStringUtf8());
    assertThat(decoded.findJwtAuthority(TD.jwtKeyId)).isPresent();
    assertThat(decoded.x509Authorities()).isEmpty();
  }

  @Test
  void openStreamReceivesAPushOnEverySwapThatAffectsTheCaller() throws Exception {
    CachedIdentity first = TD.identity("e1", "/web", "", mySelector);
    serve(first);
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    async.fetchX509SVID(X509SVIDRequest.getDefaultInstance(), collector(received));

    X509SVIDResponse initial = (X509SVIDResponse) received.poll(20, TimeUnit.SECONDS);
    assertThat(initial).isNotNull();
    assertThat(initial.getSvids(0).getSpiffeId()).isEqualTo("spiffe://example.org/web");

    // A change for somebody else is not pushed; the rotation of the caller's SVID is.
    serve(first, TD.identity("e9", "/someone-else", "", "unix:uid:4242424"));
    CachedIdentity rotated = new CachedIdentity("e1", first.spiffeId(), first.selectors(), TD.svid("/web"), "", List.of());
    serve(rotated);
    X509SVIDResponse pushed = (X509SVIDResponse) received.poll(20, TimeUnit.SECONDS);
    assertThat(pushed).isNotNull();
    assertThat(certificates(pushed.getSvids(0).getX509Svid())).containsExactly(rotated.svid().leaf());

    // Losing the last identity ends the stream with PERMISSION_DENIED.
    serve();
    Object end = received.poll(20, TimeUnit.SECONDS);
    assertThat(end).isInstanceOf(Throwable.class);
    assertThat(code((Throwable) end)).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(received.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void cancelledStreamUnsubscribes() throws Exception {
    serve(TD.identity("e1", "/web", "", mySelector));
    var iterator = blocking.fetchX509SVID(X509SVIDRequest.getDefaultInstance());
    iterator.next();
    assertThat(cache.subscriberCount()).isEqualTo(1);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (cache.subscriberCount() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(cache.subscriberCount()).isZero();
  }

  @Test
  void validateJwtSvidAcceptsAValidTokenAndRejectsBadOnes() {
    serve(TD.identity("e1", "/web", "", mySelector));
    String good = TD.jwt("/db", List.of("db"), NOW.minusSeconds(60), NOW.plusSeconds(300));

    ValidateJWTSVIDResponse ok = blocking.validateJWTSVID(ValidateJWTSVIDRequest.newBuilder()
        .setAudience("db").setSvid(good).build());
    assertThat(ok.getSpiffeId()).isEqualTo("spiffe://example.org/db");
    assertThat(ok.getClaims().getFieldsOrThrow("sub").getStringValue()).isEqualTo("spiffe://example.org/db");

    KeyPair stranger = KeyType.EC_P256.generate();
    Map<String, String> bad = Map.of(
        "wrong audience", good,
        "expired", TD.jwt("/db", List.of("db"), NOW.minusSeconds(600), NOW.minusSeconds(1)),
        "foreign kid", TD.jwt(stranger, "kid-unknown", "/db", List.of("db"), NOW, NOW.plusSeconds(300)),
        "known kid, wrong key", TD.jwt(stranger, TD.jwtKeyId, "/db", List.of("db"), NOW, NOW.plusSeconds(300)),
        "garbage", "not.a.jwt");
    bad.forEach((why, token) -> assertThatThrownBy(() -> blocking.validateJWTSVID(ValidateJWTSVIDRequest.newBuilder()
        .setAudience(why.equals("wrong audience") ? "other" : "db").setSvid(token).build()))
        .as(why)
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT)));

    assertThatThrownBy(() -> blocking.validateJWTSVID(ValidateJWTSVIDRequest.newBuilder().setSvid(good).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("audience must be specified");
  }

  @Test
  void validateJwtSvidTrustsAFederatedDomainOnlyWhenTheCallerFederatesWithIt() {
    String foreignToken = FOREIGN.jwt("/api", List.of("me"), NOW, NOW.plusSeconds(300));
    ValidateJWTSVIDRequest request = ValidateJWTSVIDRequest.newBuilder().setAudience("me").setSvid(foreignToken).build();

    serve(TD.identity("e1", "/web", "", mySelector));
    assertThatThrownBy(() -> blocking.validateJWTSVID(request))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("no bundle for trust domain \"foreign.test\"");

    serve(TD.identity("e1", "/web", "", List.of(FOREIGN.trustDomain), mySelector));
    assertThat(blocking.validateJWTSVID(request).getSpiffeId()).isEqualTo("spiffe://foreign.test/api");
  }

  @Test
  void fetchJwtSvidNeedsAnAudienceAndIsCachedPerAudienceSet() {
    serve(TD.identity("e1", "/web", "blue", mySelector), TD.identity("e2", "/api", "", mySelector));
    assertThatThrownBy(() -> blocking.fetchJWTSVID(JWTSVIDRequest.getDefaultInstance()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("audience must be specified");

    JWTSVIDResponse all = blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("db").build());
    assertThat(all.getSvidsList()).extracting(s -> s.getSpiffeId())
        .containsExactly("spiffe://example.org/web", "spiffe://example.org/api");
    assertThat(all.getSvids(0).getHint()).isEqualTo("blue");

    JWTSVIDResponse one = blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("db")
        .setSpiffeId("spiffe://example.org/api").build());
    assertThat(one.getSvidsList()).hasSize(1);
    assertThat(one.getSvids(0).getSvid()).isEqualTo(all.getSvids(1).getSvid());
    assertThat(jwtRequests).hasSize(2);

    assertThatThrownBy(() -> blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("db")
        .setSpiffeId("spiffe://example.org/nope").build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> blocking.fetchJWTSVID(JWTSVIDRequest.newBuilder().addAudience("db")
        .setSpiffeId("not an id").build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  private static <R> StreamObserver<R> collector(BlockingQueue<Object> queue) {
    return new QueueingObserver<>(queue, "completed");
  }

  private static List<java.security.cert.Certificate> certificates(ByteString der) throws Exception {
    return new ArrayList<>(CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(der.toByteArray())));
  }
}
