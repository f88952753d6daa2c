package dev.signet.agent.runtime;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.signet.agent.config.AgentConfig;
import dev.signet.agent.config.AgentConfigLoader;
import dev.signet.agent.config.AgentFlags;
import dev.signet.agent.state.AgentState;
import dev.signet.agent.state.AgentStateStore;
import dev.signet.agent.sync.FakeSpireServer;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.HclDocument;
import dev.signet.common.files.InsecurePermissionsException;
import dev.signet.common.lifecycle.Lifecycle;
import dev.signet.common.proto.PermissionDenied;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.testing.Threads;
import dev.signet.common.time.ManualClock;
import dev.signet.proto.spire.agent.debug.v1.DebugGrpc;
import dev.signet.proto.spire.agent.debug.v1.GetInfoRequest;
import dev.signet.proto.spire.agent.debug.v1.GetInfoResponse;
import dev.signet.proto.spire.api.types.PermissionDeniedDetails.Reason;
import dev.signet.proto.transport.UnixSockets;
import io.grpc.ManagedChannel;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The composed agent against a TLS fake server: it resumes a stored identity, syncs over mTLS, serves the
 * Workload API, the admin socket and the HTTP health checks, and stops when the server bans it.
 */
class AgentRuntimeTest {
  private static final Instant NOW = TestCertificate.NOW;

  @TempDir Path temp;
  private final ManualClock clock = new ManualClock(NOW);
  private final HttpClient http = HttpClient.newHttpClient();
  private FakeSpireServer server;
  private AgentRuntime runtime;
  private int healthPort;
  private String conf;
  /** Told each resource of the runtime as its closing begins. */
  private volatile Lifecycle.Listener onClosing = name -> {};
  private Set<Thread> threadsBeforeStart;

  @BeforeEach
  void start() throws Exception {
    server = new FakeSpireServer("example.org", clock, true);
    server.put(server.entry("e1", "/web", 1, "unix:uid:4242"));
    Path bundle = temp.resolve("bootstrap.pem");
    Files.writeString(bundle, PemCodec.encodeCertificates(List.of(server.ca.certificate())));
    TestCertificate.Issued agentSvid = TestCertificate.leaf("spiffe://example.org/spire/agent/join_token/t", server.ca)
        .validity(NOW.minusSeconds(60), NOW.plus(Duration.ofHours(1))).issue();
    AgentStateStore.disk(temp.resolve("data")).save(new AgentState(List.of(agentSvid.certificate()),
        agentSvid.keyPair().getPrivate(), List.of(server.ca.certificate()), false));
    try (ServerSocket free = new ServerSocket(0)) {
      healthPort = free.getLocalPort();
    }
    conf = """
        agent {
          trust_domain = "example.org"
          server_address = "127.0.0.1"
          server_port = %d
          data_dir = "%s"
          trust_bundle_path = "%s"
          socket_path = "%s"
          admin_socket_path = "%s"
          log_level = "INFO"
        }
        plugins {
          NodeAttestor "join_token" { plugin_data {} }
          KeyManager "disk" { plugin_data { directory = "%s" } }
          WorkloadAttestor "unix" { plugin_data {} }
        }
        health_checks {
          listener_enabled = true
          bind_address = "127.0.0.1"
          bind_port = "%d"
          live_path = "/live"
          ready_path = "/ready"
        }
        """.formatted(server.port(), temp.resolve("data"), bundle, temp.resolve("public/api.sock"),
        temp.resolve("private/admin.sock"), temp.resolve("data"), healthPort);
    AgentConfig config = AgentConfigLoader.parse(HclDocument.parse(conf, "agent.conf"), AgentFlags.NONE).config();
    threadsBeforeStart = Threads.live();
    runtime = AgentRuntime.start(config, clock, name -> onClosing.closing(name));
  }

  @AfterEach
  void stop() {
    if (runtime != null) {
      runtime.close();
    }
    server.close();
    http.close();
  }

  /** The agent's Debug API GetInfo over its admin socket. */
  private GetInfoResponse debugInfo() throws Exception {
    var group = UnixSockets.newEventLoopGroup(1);
    ManagedChannel admin = UnixSockets.channel(temp.resolve("private/admin.sock"), group);
    try {
      return DebugGrpc.newBlockingStub(admin).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getInfo(GetInfoRequest.getDefaultInstance());
    } finally {
      admin.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesAfterTheFirstSyncAndStopsWhenBanned() throws Exception {
    assertThat(runtime.cache().current().identities()).singleElement()
        .satisfies(i -> assertThat(i.spiffeId().toString()).isEqualTo("spiffe://example.org/web"));
    assertThat(temp.resolve("public/api.sock")).exists();
    assertThat(get("/live").statusCode()).isEqualTo(200);
    assertThat(get("/ready").statusCode()).isEqualTo(200);

    var group = UnixSockets.newEventLoopGroup(1);
    ManagedChannel admin = UnixSockets.channel(temp.resolve("private/admin.sock"), group);
    try {
      GetInfoResponse info = DebugGrpc.newBlockingStub(admin).withDeadlineAfter(10, TimeUnit.SECONDS)
          .getInfo(GetInfoRequest.getDefaultInstance());
      assertThat(info.getSvidChain(0).getId().getPath()).isEqualTo("/spire/agent/join_token/t");
      assertThat(info.getLastSyncSuccess()).isEqualTo(NOW.getEpochSecond());
      assertThat(info.getCachedX509SvidsCount()).isEqualTo(1);
    } finally {
      admin.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    server.failure = PermissionDenied.of(Reason.AGENT_BANNED, "agent is banned");
    clock.advance(Duration.ofSeconds(6)); // past sync_interval: the next tick syncs

    assertThat(runtime.stopped().get(20, TimeUnit.SECONDS)).isEqualTo("agent is banned");
    assertThat(runtime.cache().current().identities()).isEmpty();
    assertThat(get("/live").statusCode()).isEqualTo(503);
    assertThat(get("/ready").statusCode()).isEqualTo(503);
    assertThat(AgentStateStore.disk(temp.resolve("data")).load()).isEmpty();
    assertThat(temp.resolve("data/svid_cache.json")).doesNotExist(); // a banned agent keeps no workload svid
  }

  @Test
  void aRestartedAgentServesItsStoredSvidsBeforeItsFirstSyncAndThatSyncRevokesDeletedEntries() throws Exception {
    server.put(server.entry("e2", "/db", 1, "unix:uid:4243"));
    clock.advance(Duration.ofSeconds(6)); // past sync_interval: the next tick syncs and gets e2's svid
    await().atMost(Duration.ofMinutes(1)).until(() -> runtime.cache().current().identities().size() == 2);
    runtime.close();
    runtime = null;
    server.entries.remove("e2"); // deleted while the agent is down
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch released = new CountDownLatch(1);
    server.beforeAuthorizedEntries = () -> {
      held.countDown();
      Threads.awaitUninterruptibly(released);
    };
    AgentConfig config = AgentConfigLoader.parse(HclDocument.parse(conf, "agent.conf"), AgentFlags.NONE).config();
    java.util.concurrent.CompletableFuture<AgentRuntime> restarting =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return AgentRuntime.start(config, clock);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    try {
      assertThat(held.await(1, TimeUnit.MINUTES)).isTrue(); // the first sync is under way, and held there

      // the sockets open and serve both stored svids while the first sync is held
      await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(temp.resolve("public/api.sock"))
          && Files.exists(temp.resolve("private/admin.sock")));
      assertThat(restarting).isNotDone();
      GetInfoResponse info = debugInfo();
      assertThat(info.getCachedX509SvidsCount()).isEqualTo(2);
      assertThat(info.getLastSyncSuccess()).isZero();
      assertThat(server.issuedCount("e1")).isEqualTo(1);
    } finally {
      released.countDown();
    }
    runtime = restarting.get(1, TimeUnit.MINUTES);

    // the first sync ended e2 and re-issued nothing
    assertThat(runtime.cache().current().identities()).extracting(i -> i.spiffeId().toString())
        .containsExactly("spiffe://example.org/web");
    assertThat(server.issuedCount("e1")).isEqualTo(1);
  }

  @Test
  void everyFileInTheDataDirIsOwnerOnly() throws Exception {
    Path data = temp.resolve("data");
    assertThat(runtime.cache().current().identities()).hasSize(1);
    runtime.close();
    runtime = null;

    assertThat(mode(data)).isEqualTo("rwx------");
    try (Stream<Path> files = Files.walk(data)) {
      assertThat(files.filter(Files::isRegularFile).toList()).isNotEmpty().allSatisfy(f ->
          assertThat(mode(f)).as(f.toString())
              .isEqualTo("rw-------"));
    }
  }

  @Test
  void refusesToStartOnADataDirOpenToOthersUnlessTheOperatorOptsOut() throws Exception {
    runtime.close();
    runtime = null;
    Path data = temp.resolve("data");
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    AgentConfig config = AgentConfigLoader.parse(HclDocument.parse(conf, "agent.conf"), AgentFlags.NONE).config();

    assertThatThrownBy(() -> AgentRuntime.start(config, clock)).isInstanceOf(InsecurePermissionsException.class)
        .hasMessage("data_dir \"" + data + "\" is open to group or others: \"" + data + "\" is 0755 (rwxr-xr-x); "
            + "run \"chmod go-rwx " + data + "\", or set allow_insecure_data_dir_permissions = true in the agent "
            + "block to start anyway");
    assertThat(temp.resolve("public/api.sock")).doesNotExist(); // refused before serving anything

    String optedOut = conf.replace("log_level = \"INFO\"",
        "log_level = \"INFO\"\n  allow_insecure_data_dir_permissions = true");
    runtime = AgentRuntime.start(AgentConfigLoader.parse(HclDocument.parse(optedOut, "agent.conf"), AgentFlags.NONE)
        .config(), clock);
    assertThat(runtime.cache().current().identities()).hasSize(1);
    assertThat(mode(data)).isEqualTo("rwxr-xr-x");
  }

  @Test
  void notReadyOnceTheAgentSvidHasExpired() throws Exception {
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    clock.set(NOW.plus(Duration.ofHours(2)));
    HttpResponse<String> ready = get("/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("agent svid is not valid now");
    assertThat(get("/live").statusCode()).isEqualTo(200);
  }

  @Test
  void aSyncInProgressFinishesOverTheOpenConnectionBeforeItClosesAndNothingLeaks() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch released = new CountDownLatch(1);
    server.beforeAuthorizedEntries = () -> {
      if (held.getCount() > 0) {
        held.countDown();
        Threads.awaitUninterruptibly(released);
      }
    };
    server.put(server.entry("e2", "/db", 1, "unix:uid:4243"));
    onClosing = name -> {
      if (name.equals("sync loop")) {
        released.countDown(); // the shutdown reached the sync loop: the held sync goes on now
      }
    };
    clock.advance(Duration.ofSeconds(6)); // past sync_interval: the next tick syncs
    assertThat(held.await(1, TimeUnit.MINUTES)).isTrue();

    runtime.close();

    // The held sync got its entries and the new entry's SVID signed, over a connection still open.
    assertThat(server.issuedCount("e2")).isEqualTo(1);
    assertThat(runtime.cache().current().identities()).extracting(i -> i.spiffeId().toString())
        .contains("spiffe://example.org/db");
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(Threads.startedSince(threadsBeforeStart,
        List.of("signet-agent", "multiThreadIoEventLoopGroup"))).isEmpty());
    assertThat(temp.resolve("public/api.sock")).doesNotExist();
    assertThat(temp.resolve("private/admin.sock")).doesNotExist();
    assertThatThrownBy(() -> new Socket("127.0.0.1", healthPort).close()).isInstanceOf(ConnectException.class);
  }
}
