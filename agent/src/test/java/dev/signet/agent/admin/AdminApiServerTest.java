package dev.signet.agent.admin;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.google.protobuf.ByteString;
import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.CallerAttestor;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.TestIdentities;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.attestors.workload.EtcUserDirectory;
import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.attestors.workload.unix.UnixAttestorConfig;
import dev.signet.attestors.workload.unix.UnixWorkloadAttestor;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.grpc.QueueingObserver;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.JwtSvid;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import dev.signet.proto.spire.agent.debug.v1.DebugGrpc;
import dev.signet.proto.spire.agent.debug.v1.GetInfoRequest;
import dev.signet.proto.spire.agent.debug.v1.GetInfoResponse;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.DelegatedIdentityGrpc;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.FetchJWTSVIDsRequest;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.FetchJWTSVIDsResponse;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToJWTBundlesRequest;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToJWTBundlesResponse;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToX509BundlesRequest;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToX509BundlesResponse;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToX509SVIDsRequest;
import dev.signet.proto.spire.api.agent.delegatedidentity.v1.SubscribeToX509SVIDsResponse;
import dev.signet.proto.spire.api.agent.logger.v1.GetLoggerRequest;
import dev.signet.proto.spire.api.agent.logger.v1.LoggerGrpc;
import dev.signet.proto.spire.api.agent.logger.v1.ResetLogLevelRequest;
import dev.signet.proto.spire.api.agent.logger.v1.SetLogLevelRequest;
import dev.signet.proto.spire.api.types.LogLevel;
import dev.signet.proto.spire.api.types.Selector;
import dev.signet.proto.transport.UnixSockets;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin socket over a real Unix socket: this test JVM is the caller, attested by the real unix
 * attestor; it is a delegate when its own identity is in {@code authorized_delegates}.
 */
class AdminApiServerTest {
  private static final TestIdentities TD = new TestIdentities("example.org");
  private static final TestIdentities FOREIGN = new TestIdentities("foreign.test");
  private static final Instant NOW = TestCertificate.NOW;
  private static final SpiffeId DELEGATE = TD.trustDomain.id("/delegate");

  @TempDir Path temp;
  private final ManualClock clock = new ManualClock(NOW);
  private final List<String> jwtMinted = new ArrayList<>();
  private final ch.qos.logback.classic.Logger testLogger =
      ((LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory()).getLogger("signet.admin.test");
  private String uidSelector;
  private CachedIdentity delegate;
  private CachedIdentity target;
  private WorkloadIdentityCache cache;
  private AdminApiServer server;
  private EventLoopGroup group;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String uidLine = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
    uidSelector = "unix:uid:" + uidLine.split("\\s+")[2];
    delegate = TD.identity("d", "/delegate", "", uidSelector);
    target = TD.identity("t", "/target", "internal", List.of(FOREIGN.trustDomain), "k8s:ns:web", "k8s:sa:api");
    cache = new WorkloadIdentityCache(snapshot(delegate, target));
    testLogger.setLevel(Level.INFO);
  }

  private void serve(List<SpiffeId> delegates, AgentInfo info) throws Exception {
    LinuxProcFs proc = LinuxProcFs.system();
    CallerAttestor attestor = new CallerAttestor(proc,
        List.of(new UnixWorkloadAttestor(UnixAttestorConfig.DEFAULT, proc, EtcUserDirectory.system())));
    JwtSvidCache jwts = new JwtSvidCache((entryId, id, audiences) -> {
      jwtMinted.add(entryId);
      return new JwtSvid(id, TD.jwt(id.path(), audiences, NOW, NOW.plusSeconds(300)), audiences,
          NOW.plusSeconds(300), NOW);
    }, clock);
    server = AdminApiServer.start(temp.resolve("private/admin.sock"),
        new DelegatedIdentityService(cache, attestor, jwts, delegates), new DebugService(info, clock),
        new LoggerService(testLogger, "INFO"));
    group = UnixSockets.newEventLoopGroup(1);
    channel = UnixSockets.channel(server.socket(), group);
  }

  private void serve() throws Exception {
    serve(List.of(DELEGATE), info(List.of(), Optional.empty()));
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  private static IdentitySnapshot snapshot(CachedIdentity... identities) {
    return new IdentitySnapshot(TD.bundle, Map.of(FOREIGN.trustDomain, FOREIGN.bundle), List.of(identities));
  }

  private DelegatedIdentityGrpc.DelegatedIdentityBlockingStub blocking() {
    return DelegatedIdentityGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static Selector selector(String type, String value) {
    return Selector.newBuilder().setType(type).setValue(value).build();
  }

  private static SubscribeToX509SVIDsRequest bySelectors() {
    return SubscribeToX509SVIDsRequest.newBuilder().addSelectors(selector("k8s", "ns:web"))
        .addSelectors(selector("k8s", "sa:api")).build();
  }

  private static Status.Code code(Throwable e) {
    return Status.fromThrowable(e).getCode();
  }

  private static AgentInfo info(List<X509Certificate> chain, Optional<Instant> lastSync) {
    return new AgentInfo() {
      @Override
      public List<X509Certificate> agentSvidChain() {
        return chain;
      }

      @Override
      public Instant startedAt() {
        return NOW.minusSeconds(90);
      }

      @Override
      public Optional<Instant> lastSyncSuccess() {
        return lastSync;
      }

      @Override
      public int cachedX509Svids() {
        return 7;
      }

      @Override
      public int cachedJwtSvids() {
        return 3;
      }

      @Override
      public boolean running() {
        return true;
      }
    };
  }

  @Test
  void theSocketIsPrivateToTheAgentsUserAndGroupAndHealthy() throws Exception {
    serve();
    assertThat(mode(server.socket())).isEqualTo("rwxrwx---");
    assertThat(mode(server.socket().getParent()))
        .isEqualTo("rwxrwx---");
    assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
        .setService(DelegatedIdentityGrpc.SERVICE_NAME).build()).getStatus()).isEqualTo(ServingStatus.SERVING);
    server.setServing(false);
    assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.NOT_SERVING);
  }

  @Test
  void aDirectoryWritableByOthersIsRefused() throws Exception {
    Path open = Files.createDirectory(temp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> AdminApiServer.prepareDirectory(open)).hasMessageContaining("writable by others");
  }

  @Test
  void aDelegateReceivesTheTargetsSvidsBySelectorsAndEveryRotation() throws Exception {
    serve();
    Iterator<SubscribeToX509SVIDsResponse> stream = DelegatedIdentityGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS).subscribeToX509SVIDs(bySelectors());

    SubscribeToX509SVIDsResponse first = stream.next();
    assertThat(first.getX509SvidsList()).singleElement().satisfies(svid -> {
      assertThat(svid.getX509Svid().getId().getPath()).isEqualTo("/target");
      assertThat(svid.getX509Svid().getHint()).isEqualTo("internal");
      assertThat(DerCodec.parseCertificate(svid.getX509Svid().getCertChain(0).toByteArray()))
          .isEqualTo(target.svid().leaf());
      assertThat(svid.getX509SvidKey().toByteArray()).isEqualTo(target.svid().privateKey().getEncoded());
    });
    assertThat(first.getFederatesWithList()).containsExactly("spiffe://foreign.test");

    CachedIdentity rotated = TD.identity("t", "/target", "internal", List.of(FOREIGN.trustDomain), "k8s:ns:web",
        "k8s:sa:api");
    cache.update(snapshot(delegate, rotated));
    SubscribeToX509SVIDsResponse second = stream.next();
    assertThat(DerCodec.parseCertificate(second.getX509Svids(0).getX509Svid().getCertChain(0).toByteArray()))
        .isEqualTo(rotated.svid().leaf());
  }

  @Test
  void aTargetWithoutIdentitiesGetsAnEmptyUpdateNotAnError() throws Exception {
    serve();
    SubscribeToX509SVIDsResponse first = blocking().subscribeToX509SVIDs(SubscribeToX509SVIDsRequest.newBuilder()
        .addSelectors(selector("k8s", "ns:nobody")).build()).next();
    assertThat(first.getX509SvidsCount()).isZero();
  }

  @Test
  void aDelegateCanNameTheTargetByPid() throws Exception {
    serve();
    // the target is this very process: the unix attestor finds its uid, which selects the delegate entry
    SubscribeToX509SVIDsResponse first = blocking().subscribeToX509SVIDs(SubscribeToX509SVIDsRequest.newBuilder()
        .setPid((int) ProcessHandle.current().pid()).build()).next();
    assertThat(first.getX509SvidsList()).singleElement()
        .satisfies(svid -> assertThat(svid.getX509Svid().getId().getPath()).isEqualTo("/delegate"));
  }

  @Test
  void aCallerThatIsNotAnAuthorizedDelegateIsRefused() throws Exception {
    serve(List.of(TD.trustDomain.id("/someone-else")), info(List.of(), Optional.empty()));
    assertThatThrownBy(() -> blocking().subscribeToX509SVIDs(bySelectors()).next())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("not configured as an authorized delegate");
    assertThatThrownBy(() -> blocking().fetchJWTSVIDs(FetchJWTSVIDsRequest.newBuilder().addAudience("db")
        .addSelectors(selector("k8s", "ns:web")).addSelectors(selector("k8s", "sa:api")).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> blocking().subscribeToX509Bundles(SubscribeToX509BundlesRequest.getDefaultInstance())
        .next()).satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> blocking().subscribeToJWTBundles(SubscribeToJWTBundlesRequest.getDefaultInstance())
        .next()).satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(jwtMinted).isEmpty();
  }

  @Test
  void eachRefusedDelegateCallLeavesOneLineWithTheCallersPid() throws Exception {
    serve(List.of(TD.trustDomain.id("/someone-else")), info(List.of(), Optional.empty()));
    try (dev.signet.common.testing.CapturedLogs logs = dev.signet.common.testing.CapturedLogs.of(DelegatedIdentityService.class)) {
      assertThatThrownBy(() -> blocking().subscribeToX509SVIDs(bySelectors()).next()).isNotNull();
      assertThatThrownBy(() -> blocking().subscribeToJWTBundles(SubscribeToJWTBundlesRequest.getDefaultInstance())
          .next()).isNotNull();

      assertThat(logs.events()).hasSize(2);
      assertThat(logs.events()).extracting(e -> dev.signet.common.testing.CapturedLogs.fields(e).get(
          dev.signet.common.logging.LogFields.METHOD)).containsExactly("SubscribeToX509SVIDs", "SubscribeToJWTBundles");
      assertThat(logs.events()).allSatisfy(e -> assertThat(dev.signet.common.testing.CapturedLogs.fields(e))
          .containsEntry(dev.signet.common.logging.LogFields.CALLER_PID, (int) ProcessHandle.current().pid())
          .containsEntry(dev.signet.common.logging.LogFields.CODE, "PERMISSION_DENIED"));
    }
  }

  @Test
  void aCallerWithNoIdentityAtAllIsRefused() throws Exception {
    cache.update(snapshot(target));
    serve();
    assertThatThrownBy(() -> blocking().subscribeToX509SVIDs(bySelectors()).next())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED))
        .hasMessageContaining("no identity issued");
  }

  @Test
  void anOpenStreamEndsWhenTheDelegateLosesItsIdentity() throws Exception {
    serve();
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    DelegatedIdentityGrpc.newStub(channel).subscribeToX509SVIDs(bySelectors(),
        new QueueingObserver<>(events, "completed"));
    assertThat(events.poll(20, TimeUnit.SECONDS)).isInstanceOf(SubscribeToX509SVIDsResponse.class);

    cache.update(snapshot(target)); // the delegate's own entry is gone

    Object next = events.poll(20, TimeUnit.SECONDS);
    assertThat(next).isInstanceOf(Throwable.class);
    assertThat(code((Throwable) next)).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void theTargetMustBeNamedBySelectorsOrPidButNotBoth() throws Exception {
    serve();
    assertThatThrownBy(() -> blocking().subscribeToX509SVIDs(SubscribeToX509SVIDsRequest.getDefaultInstance()).next())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> blocking().subscribeToX509SVIDs(bySelectors().toBuilder().setPid(1).build()).next())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> blocking().subscribeToX509SVIDs(SubscribeToX509SVIDsRequest.newBuilder()
        .addSelectors(selector("", "x")).build()).next())
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> blocking().fetchJWTSVIDs(FetchJWTSVIDsRequest.newBuilder()
        .addSelectors(selector("k8s", "ns:web")).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("audience");
  }

  @Test
  void fetchJwtSvidsMintsForTheTarget() throws Exception {
    serve();
    FetchJWTSVIDsResponse response = blocking().fetchJWTSVIDs(FetchJWTSVIDsRequest.newBuilder().addAudience("db")
        .addSelectors(selector("k8s", "ns:web")).addSelectors(selector("k8s", "sa:api")).build());
    assertThat(response.getSvidsList()).singleElement().satisfies(svid -> {
      assertThat(svid.getId().getPath()).isEqualTo("/target");
      assertThat(svid.getExpiresAt()).isEqualTo(NOW.plusSeconds(300).getEpochSecond());
      assertThat(svid.getIssuedAt()).isEqualTo(NOW.getEpochSecond());
      assertThat(svid.getHint()).isEqualTo("internal");
      assertThat(svid.getToken()).isNotEmpty();
    });
    assertThat(jwtMinted).containsExactly("t");
  }

  @Test
  void bundleStreamsCarryEveryBundleTheAgentHolds() throws Exception {
    serve();
    SubscribeToX509BundlesResponse x509 = blocking().subscribeToX509Bundles(
        SubscribeToX509BundlesRequest.getDefaultInstance()).next();
    assertThat(x509.getCaCertificatesMap()).containsOnlyKeys("spiffe://example.org", "spiffe://foreign.test");
    assertThat(DerCodec.parseCertificates(x509.getCaCertificatesOrThrow("spiffe://example.org").toByteArray()))
        .containsExactly(TD.ca.certificate());

    SubscribeToJWTBundlesResponse jwt = blocking().subscribeToJWTBundles(
        SubscribeToJWTBundlesRequest.getDefaultInstance()).next();
    assertThat(jwt.getBundlesMap()).containsOnlyKeys("spiffe://example.org", "spiffe://foreign.test");
    ByteString jwks = jwt.getBundlesOrThrow("spiffe://example.org");
    var decoded = JwksCodec.decode(TD.trustDomain, jwks.toString(StandardCharsets.UTF_8));
    assertThat(decoded.jwtAuthorities()).singleElement()
        .satisfies(a -> assertThat(a.keyId()).isEqualTo(TD.jwtKeyId));
    assertThat(decoded.x509Authorities()).isEmpty();
  }

  @Test
  void debugGetInfoReportsTheAgent() throws Exception {
    TestCertificate.Issued agent = TestCertificate.leaf("spiffe://example.org/spire/agent/join_token/t", TD.ca).issue();
    serve(List.of(DELEGATE), info(List.of(agent.certificate(), TD.ca.certificate()), Optional.of(NOW.minusSeconds(4))));

    GetInfoResponse info = DebugGrpc.newBlockingStub(channel).getInfo(GetInfoRequest.getDefaultInstance());

    assertThat(info.getSvidChainCount()).isEqualTo(2);
    assertThat(info.getSvidChain(0).getId().getPath()).isEqualTo("/spire/agent/join_token/t");
    assertThat(info.getSvidChain(0).getExpiresAt()).isEqualTo(agent.certificate().getNotAfter().toInstant().getEpochSecond());
    assertThat(info.getSvidChain(0).getSubject()).isEqualTo(agent.certificate().getSubjectX500Principal().getName());
    assertThat(info.getSvidChain(1).getId().getTrustDomain()).isEqualTo("example.org");
    assertThat(info.getUptime()).isEqualTo(90);
    assertThat(info.getLastSyncSuccess()).isEqualTo(NOW.minusSeconds(4).getEpochSecond());
    assertThat(info.getCachedX509SvidsCount()).isEqualTo(7);
    assertThat(info.getCachedJwtSvidsCount()).isEqualTo(3);
  }

  @Test
  void loggerChangesAndResetsTheLevel() throws Exception {
    serve();
    LoggerGrpc.LoggerBlockingStub logger = LoggerGrpc.newBlockingStub(channel);
    assertThat(logger.getLogger(GetLoggerRequest.getDefaultInstance()).getCurrentLevel()).isEqualTo(LogLevel.INFO);

    var changed = logger.setLogLevel(SetLogLevelRequest.newBuilder().setNewLevel(LogLevel.DEBUG).build());
    assertThat(changed.getCurrentLevel()).isEqualTo(LogLevel.DEBUG);
    assertThat(changed.getLaunchLevel()).isEqualTo(LogLevel.INFO);
    assertThat(testLogger.getLevel()).isEqualTo(Level.DEBUG);

    assertThatThrownBy(() -> logger.setLogLevel(SetLogLevelRequest.getDefaultInstance()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(logger.setLogLevel(SetLogLevelRequest.newBuilder().setNewLevel(LogLevel.FATAL).build())
        .getCurrentLevel()).isEqualTo(LogLevel.ERROR);

    assertThat(logger.resetLogLevel(ResetLogLevelRequest.getDefaultInstance()).getCurrentLevel())
        .isEqualTo(LogLevel.INFO);
    assertThat(testLogger.getLevel()).isEqualTo(Level.INFO);
  }
}
