package dev.signet.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.agent.state.AgentState;
import dev.signet.agent.state.AgentStateStore;
import dev.signet.agent.sync.EntrySynchronizer;
import dev.signet.agent.sync.FakeSpireServer;
import dev.signet.agent.sync.ServerApi;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.PermissionDenied;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import dev.signet.proto.spire.api.types.PermissionDeniedDetails.Reason;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sync loop does with the server's answers about the agent itself. */
class SyncLoopTest {
  private static final Instant NOW = TestCertificate.NOW;

  @TempDir Path dataDir;
  private final ManualClock clock = new ManualClock(NOW);
  private final List<String> stopped = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private FakeSpireServer server;
  private AgentStateStore store;
  private WorkloadIdentityCache cache;
  private SyncLoop loop;

  @BeforeEach
  void start() throws Exception {
    server = new FakeSpireServer("example.org", clock);
    server.put(server.entry("e1", "/web", 1, "unix:uid:1000"));
    TestCertificate.Issued agentSvid = TestCertificate.leaf("spiffe://example.org/spire/agent/join_token/t", server.ca)
        .validity(NOW.minusSeconds(60), NOW.plus(Duration.ofHours(1))).issue();
    store = AgentStateStore.disk(dataDir);
    store.save(new AgentState(List.of(agentSvid.certificate()), agentSvid.keyPair().getPrivate(),
        List.of(server.ca.certificate()), false));
    AgentIdentity identity = new AgentIdentity("127.0.0.1", 1, server.trustDomain, store, false, clock);
    assertThat(identity.establish(Optional.empty(), null)).isFalse();
    cache = new WorkloadIdentityCache(IdentitySnapshot.empty(Bundle.ofX509(server.trustDomain,
        List.of(server.ca.certificate()))));
    ServerApi api = server.api();
    EntrySynchronizer synchronizer = new EntrySynchronizer(api, server.trustDomain, cache,
        new JwtSvidCache((e, id, a) -> {
          throw new AssertionError("unused");
        }, clock), KeyType.EC_P256, clock);
    loop = new SyncLoop(synchronizer, identity, api, Duration.ofSeconds(5), scheduler, clock, stopped::add,
        Optional::empty);
  }

  @AfterEach
  void stop() throws Exception {
    scheduler.shutdownNow();
    server.close();
  }

  @Test
  void aSuccessfulSyncIsRecorded() {
    assertThat(loop.lastSuccess()).isNull();
    loop.syncOnce();
    assertThat(loop.lastSuccess()).isEqualTo(NOW);
    assertThat(cache.current().identities()).hasSize(1);
    assertThat(stopped).isEmpty();
  }

  @Test
  void aBannedAgentStopsAndForgetsItsIdentity() {
    loop.syncOnce();
    server.failure = PermissionDenied.of(Reason.AGENT_BANNED, "agent is banned");
    clock.advance(Duration.ofSeconds(10));

    loop.syncOnce();

    assertThat(stopped).containsExactly("agent is banned");
    assertThat(loop.halted()).isTrue();
    assertThat(store.load()).isEmpty();
    assertThat(dataDir.resolve("agent_state.json")).doesNotExist();
    assertThat(loop.lastSuccess()).isEqualTo(NOW);
  }

  @Test
  void anExpiredAgentThatCannotReattestStops() {
    server.failure = PermissionDenied.of(Reason.AGENT_EXPIRED, "agent svid expired");

    loop.syncOnce();

    assertThat(stopped).singleElement().asString().contains("cannot re-attest", "AGENT_EXPIRED");
    assertThat(store.load()).isEmpty();
  }

  @Test
  void otherFailuresKeepTheAgentAndItsIdentity() {
    server.failure = Status.UNAVAILABLE.withDescription("down").asRuntimeException();
    loop.syncOnce();
    server.failure = PermissionDenied.of(Reason.UNKNOWN, "rate limited or so");
    loop.syncOnce();

    assertThat(stopped).isEmpty();
    assertThat(loop.halted()).isFalse();
    assertThat(store.load()).isPresent();
    assertThat(Files.exists(dataDir.resolve("agent_state.json"))).isTrue();
    assertThat(loop.lastSuccess()).isNull();
  }
}
