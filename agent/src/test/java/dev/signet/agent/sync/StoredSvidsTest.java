package dev.signet.agent.sync;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workload SVIDs kept in the data directory: a restarted agent serves them before its first sync, that sync
 * re-issues only what changed and revokes what was deleted meanwhile, and nothing expired, not yet valid, kept by
 * another agent or unreadable is ever served.
 */
class StoredSvidsTest {
  private static final SpiffeId AGENT = SpiffeId.parse("spiffe://example.org/spire/agent/join_token/t");

  @TempDir Path temp;
  private final ManualClock clock = new ManualClock(TestCertificate.NOW);
  private FakeSpireServer server;
  private static final ObjectMapper JSON = new ObjectMapper();
  private Path file;

  @BeforeEach
  void start() throws Exception {
    server = new FakeSpireServer("example.org", clock);
    server.put(server.entry("e1", "/web", 1, "unix:uid:1000"));
    server.put(server.entry("e2", "/db", 1, "unix:uid:1001"));
    file = temp.resolve("svid_cache.json");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private WorkloadIdentityCache emptyCache() {
    return new WorkloadIdentityCache(IdentitySnapshot.empty(Bundle.empty(server.trustDomain)));
  }

  /** An agent's synchronizer keeping its SVIDs in {@code file} for {@code agent}. */
  private EntrySynchronizer synchronizer(WorkloadIdentityCache cache, SpiffeId agent) {
    JwtSvidCache jwts = new JwtSvidCache((entryId, id, audiences) -> {
      throw new AssertionError("no jwt-svids in these tests");
    }, clock);
    return new EntrySynchronizer(server.api(), server.trustDomain, cache, jwts, KeyType.EC_P256, clock,
        EntrySynchronizer.DEFAULT_X509_SVID_CACHE_MAX_SIZE, new StoredSvids(Optional.of(file), () -> agent));
  }

  private static Map<String, CachedIdentity> byEntry(WorkloadIdentityCache cache) {
    return cache.current().identities().stream()
        .collect(Collectors.toMap(CachedIdentity::entryId, Function.identity()));
  }

  @Test
  void aRestartedAgentServesTheStoredSvidsAtOnceAndItsFirstSyncReissuesNothingUnchanged() {
    WorkloadIdentityCache before = emptyCache();
    synchronizer(before, AGENT).sync();
    Map<String, CachedIdentity> held = byEntry(before);

    WorkloadIdentityCache after = emptyCache();
    EntrySynchronizer restarted = synchronizer(after, AGENT);
    int restored = restarted.restore();

    assertThat(restored).isEqualTo(2);
    Map<String, CachedIdentity> served = byEntry(after);
    assertThat(served).containsOnlyKeys("e1", "e2");
    for (String id : List.of("e1", "e2")) {
      assertThat(served.get(id).svid().chain()).isEqualTo(held.get(id).svid().chain());
      assertThat(served.get(id).svid().privateKey().getEncoded()).isEqualTo(held.get(id).svid().privateKey().getEncoded());
      assertThat(served.get(id).selectors()).isEqualTo(held.get(id).selectors());
    }
    assertThat(after.current().bundle().x509Certificates()).isEqualTo(server.bundle.x509Certificates());
    assertThat(restarted.bundle()).isPresent();

    EntrySynchronizer.Result first = restarted.sync();

    assertThat(first.issued()).isZero();
    assertThat(server.issuedCount("e1")).isEqualTo(1);
    assertThat(server.issuedCount("e2")).isEqualTo(1);
  }

  @Test
  void anEntryDeletedWhileTheAgentWasDownIsRevokedOnEveryStreamByTheFirstSync() {
    synchronizer(emptyCache(), AGENT).sync();
    server.entries.remove("e2");
    WorkloadIdentityCache cache = emptyCache();
    EntrySynchronizer restarted = synchronizer(cache, AGENT);
    restarted.restore();
    List<IdentitySnapshot> stream = new CopyOnWriteArrayList<>();
    cache.subscribe(stream::add);
    assertThat(byEntry(cache)).containsOnlyKeys("e1", "e2");

    restarted.sync();

    assertThat(byEntry(cache)).containsOnlyKeys("e1");
    assertThat(stream.getLast().identities()).extracting(CachedIdentity::entryId).containsExactly("e1");
    // and the file no longer holds it either: another restart does not bring it back
    WorkloadIdentityCache again = emptyCache();
    assertThat(synchronizer(again, AGENT).restore()).isEqualTo(1);
    assertThat(byEntry(again)).containsOnlyKeys("e1");
  }

  @Test
  void aChangedEntryIsReissuedByTheFirstSync() {
    synchronizer(emptyCache(), AGENT).sync();
    server.put(server.entry("e1", "/web", 2, "unix:uid:1000", "unix:gid:50"));
    WorkloadIdentityCache cache = emptyCache();
    EntrySynchronizer restarted = synchronizer(cache, AGENT);
    restarted.restore();

    EntrySynchronizer.Result first = restarted.sync();

    assertThat(first.issued()).isEqualTo(1);
    assertThat(server.issuedCount("e1")).isEqualTo(2);
    assertThat(byEntry(cache).get("e1").selectors()).hasSize(2);
  }

  @Test
  void expiredSvidsAreNotServed() {
    synchronizer(emptyCache(), AGENT).sync();
    clock.advance(server.ttl.plus(Duration.ofSeconds(1)));
    WorkloadIdentityCache cache = emptyCache();

    assertThat(synchronizer(cache, AGENT).restore()).isZero();
    assertThat(cache.current().identities()).isEmpty();
  }

  @Test
  void svidsNotYetValidAreNotServed() {
    synchronizer(emptyCache(), AGENT).sync();
    clock.set(TestCertificate.NOW.minus(Duration.ofMinutes(5))); // the clock went back past their notBefore
    WorkloadIdentityCache cache = emptyCache();

    assertThat(synchronizer(cache, AGENT).restore()).isZero();
  }

  @Test
  void svidsKeptByAnotherAgentAreNotServed() {
    synchronizer(emptyCache(), AGENT).sync();
    WorkloadIdentityCache cache = emptyCache();

    int restored = synchronizer(cache, SpiffeId.parse("spiffe://example.org/spire/agent/join_token/other")).restore();

    assertThat(restored).isZero();
    assertThat(cache.current().identities()).isEmpty();
  }

  @Test
  void anUnreadableFileIsIgnoredAndReplacedByTheNextSync() throws Exception {
    Files.writeString(file, "{\"agent_id\":\"" + AGENT + "\",\"format\":2,\"bundle\":\"bm90IGEgYnVuZGxl\",\"svids\":[{}]}");
    WorkloadIdentityCache cache = emptyCache();
    EntrySynchronizer synchronizer = synchronizer(cache, AGENT);

    assertThat(synchronizer.restore()).isZero();
    synchronizer.sync();
    assertThat(synchronizer(emptyCache(), AGENT).restore()).isEqualTo(2);
  }

  @Test
  void aFileInTheFormatOfAnEarlierReleaseIsNotServed() throws Exception {
    synchronizer(emptyCache(), AGENT).sync();
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    root.remove("format"); // as release 0.1's JWKS-and-PEM files, which had none
    Files.write(file, JSON.writeValueAsBytes(root));

    assertThat(synchronizer(emptyCache(), AGENT).restore()).isZero();
  }

  @Test
  void aStoredBundleOfAnotherTrustDomainIsNotServed() throws Exception {
    synchronizer(emptyCache(), AGENT).sync();
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    root.put("bundle", BundleProtos.toProto(Bundle.empty(TrustDomain.parse("evil.org"))).toByteArray());
    Files.write(file, JSON.writeValueAsBytes(root));

    assertThat(synchronizer(emptyCache(), AGENT).restore()).isZero();
  }

  @Test
  void theFileIsOwnerOnlyAndRewrittenOnlyWhenTheHeldSvidsChange() throws Exception {
    EntrySynchronizer synchronizer = synchronizer(emptyCache(), AGENT);
    synchronizer.sync();
    assertThat(mode(file)).isEqualTo("rw-------");
    Files.writeString(file, "sentinel");

    synchronizer.sync(); // nothing changed

    assertThat(Files.readString(file)).isEqualTo("sentinel");
    server.put(server.entry("e3", "/cache", 1, "unix:uid:1002"));
    synchronizer.sync();
    assertThat(Files.readString(file)).contains("e3");
  }

  @Test
  void nothingIsKeptWithoutAFile() {
    JwtSvidCache jwts = new JwtSvidCache((entryId, id, audiences) -> {
      throw new AssertionError("no jwt-svids in these tests");
    }, clock);
    EntrySynchronizer memory = new EntrySynchronizer(server.api(), server.trustDomain, emptyCache(), jwts,
        KeyType.EC_P256, clock, EntrySynchronizer.DEFAULT_X509_SVID_CACHE_MAX_SIZE, StoredSvids.none());
    memory.sync();

    assertThat(temp).isEmptyDirectory();
    assertThat(memory.restore()).isZero();
  }
}
