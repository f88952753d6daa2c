package dev.signet.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import dev.signet.proto.spire.api.types.Entry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One sync against a fake SPIRE server on loopback: issuance, reuse, renewal, refusals, bundles, errors. */
class EntrySynchronizerTest {
  private static final Instant NOW = TestCertificate.NOW;
  private static final TrustDomain FOREIGN = TrustDomain.parse("foreign.test");

  private final ManualClock clock = new ManualClock(NOW);
  private FakeSpireServer server;
  private WorkloadIdentityCache cache;
  private JwtSvidCache jwts;
  private EntrySynchronizer synchronizer;

  @BeforeEach
  void start() throws Exception {
    server = new FakeSpireServer("example.org", clock);
    cache = new WorkloadIdentityCache(IdentitySnapshot.empty(Bundle.empty(server.trustDomain)));
    jwts = new JwtSvidCache((entryId, id, audiences) -> {
      throw new AssertionError("no jwt-svids in these tests");
    }, clock);
    synchronizer = new EntrySynchronizer(server.api(), server.trustDomain, cache, jwts, KeyType.EC_P256, clock);
    server.put(server.entry("e1", "/web", 1, "unix:uid:1000"));
    server.put(server.entry("e2", "/db", 1, "unix:uid:1001"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private Map<String, CachedIdentity> cached() {
    return cache.current().identities().stream().collect(Collectors.toMap(CachedIdentity::entryId, Function.identity()));
  }

  @Test
  void issuesOneSvidPerEntryWithAFreshKeyEach() throws Exception {
    EntrySynchronizer.Result result = synchronizer.sync();

    assertThat(result.entries()).isEqualTo(2);
    assertThat(result.issued()).isEqualTo(2);
    Map<String, CachedIdentity> cached = cached();
    assertThat(cached).containsOnlyKeys("e1", "e2");
    assertThat(cached.get("e1").spiffeId()).isEqualTo(server.trustDomain.id("/web"));
    assertThat(cached.get("e1").selectors()).containsExactly(Selector.parse("unix:uid:1000"));
    assertThat(cached.get("e2").spiffeId()).isEqualTo(server.trustDomain.id("/db"));
    PublicKey k1 = cached.get("e1").svid().leaf().getPublicKey();
    PublicKey k2 = cached.get("e2").svid().leaf().getPublicKey();
    assertThat(k1).isNotEqualTo(k2);
    assertThat(server.issuedKeys.get("e1")).containsExactly(k1);
    assertThat(server.issuedKeys.get("e2")).containsExactly(k2);
    for (CachedIdentity identity : cached.values()) { // the private key held is the one the certificate names
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(identity.svid().privateKey());
      signer.update(new byte[] {1, 2, 3});
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(identity.svid().leaf().getPublicKey());
      verifier.update(new byte[] {1, 2, 3});
      assertThat(verifier.verify(signature)).isTrue();
    }
    assertThat(cache.current().bundle()).isEqualTo(server.bundle);
    assertThat(synchronizer.bundle()).contains(server.bundle);
  }

  @Test
  void anAgentWhoseClockIsFiveMinutesOffKeepsFreshSvidsAndRenewsThemOnceEachHalfLifeOnItsClock() {
    for (Duration skew : List.of(Duration.ofMinutes(5), Duration.ofMinutes(-5))) {
      ManualClock agentClock = new ManualClock(NOW.plus(skew));
      server.ttl = Duration.ofSeconds(60);
      EntrySynchronizer skewed = new EntrySynchronizer(server.api(), server.trustDomain, cache, jwts, KeyType.EC_P256,
          agentClock);
      int before = server.issuedCount("e1");
      skewed.sync();
      assertThat(cached()).as("skew %s: the fresh svids are held", skew).containsOnlyKeys("e1", "e2");

      // a sync every 5 s for 2 minutes, both clocks moving together: a 60 s lifetime means 4 or 5 issuances
      for (int i = 0; i < 24; i++) {
        clock.advance(Duration.ofSeconds(5));
        agentClock.advance(Duration.ofSeconds(5));
        skewed.sync();
        assertThat(cached()).as("skew %s, sync %d", skew, i).containsOnlyKeys("e1", "e2");
        assertThat(cached().get("e1").svid().expiresAt()).as("never served past its real expiry")
            .isAfter(clock.instant());
      }
      assertThat(server.issuedCount("e1") - before).as("skew %s: issuances in 2 minutes", skew).isBetween(4, 5);
    }
  }

  @Test
  void anUnchangedEntryIsNotReissued() {
    synchronizer.sync();
    Map<String, CachedIdentity> first = cached();
    IdentitySnapshot snapshot = cache.current();
    clock.advance(Duration.ofMinutes(10));

    EntrySynchronizer.Result again = synchronizer.sync();

    assertThat(again.issued()).isZero();
    assertThat(server.issuedCount("e1")).isEqualTo(1);
    assertThat(server.issuedCount("e2")).isEqualTo(1);
    assertThat(cached().get("e1").svid()).isSameAs(first.get("e1").svid());
    assertThat(cache.current()).isEqualTo(snapshot);
  }

  @Test
  void aChangedRevisionIsReissuedAndOnlyThatEntry() {
    synchronizer.sync();
    CachedIdentity before = cached().get("e1");
    server.put(server.entry("e1", "/web", 2, "unix:uid:1000", "unix:gid:50"));

    EntrySynchronizer.Result result = synchronizer.sync();

    assertThat(result.issued()).isEqualTo(1);
    assertThat(server.issuedCount("e1")).isEqualTo(2);
    assertThat(server.issuedCount("e2")).isEqualTo(1);
    CachedIdentity after = cached().get("e1");
    assertThat(after.svid().leaf().getSerialNumber()).isNotEqualTo(before.svid().leaf().getSerialNumber());
    assertThat(after.svid().leaf().getPublicKey()).isNotEqualTo(before.svid().leaf().getPublicKey());
    assertThat(after.selectors()).containsExactlyInAnyOrder(Selector.parse("unix:uid:1000"), Selector.parse("unix:gid:50"));
  }

  @Test
  void anSvidPastItsHalfLifeIsRenewedButNotBefore() {
    synchronizer.sync(); // ttl 1 h: renewal between 27 and 30 minutes (half life, up to a tenth earlier)
    CachedIdentity first = cached().get("e1");
    assertThat(synchronizer.nextRenewal()).isBetween(NOW.plus(Duration.ofMinutes(24)), NOW.plus(Duration.ofMinutes(30)));

    clock.advance(Duration.ofMinutes(20));
    assertThat(synchronizer.sync().issued()).isZero();

    clock.advance(Duration.ofMinutes(11)); // 31 minutes: past half life
    EntrySynchronizer.Result renewed = synchronizer.sync();

    assertThat(renewed.issued()).isEqualTo(2);
    CachedIdentity second = cached().get("e1");
    assertThat(second.svid().leaf().getNotBefore().toInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(31)));
    assertThat(second.svid().leaf().getPublicKey()).isNotEqualTo(first.svid().leaf().getPublicKey());
    assertThat(synchronizer.nextRenewal()).isAfter(clock.instant().plus(Duration.ofMinutes(20)));
  }

  @Test
  void svidsPastTheirRenewalPointWaitForTheNextSyncUntilATenthOfTheirLifetimeLater() {
    synchronizer.sync(); // e1 and e2, each with its own jitter: renewal between 24 and 30 minutes
    Instant earliest = synchronizer.nextRenewal();

    assertThat(synchronizer.renewalDeadline()).isEqualTo(earliest.plus(Duration.ofMinutes(6))); // 1 h lifetime

    clock.advance(Duration.ofMinutes(31)); // both due: one sync renews them in one batch
    long batchesBefore = server.calls.stream().filter("BatchNewX509SVID"::equals).count();
    assertThat(synchronizer.sync().issued()).isEqualTo(2);
    assertThat(server.calls.stream().filter("BatchNewX509SVID"::equals).count()).isEqualTo(batchesBefore + 1);
  }

  @Test
  void aRefusedRenewalKeepsTheOldSvidUntilItExpiresAndIsRetriedLater() {
    synchronizer.sync();
    CachedIdentity first = cached().get("e1");
    server.refused.add("e1");
    clock.advance(Duration.ofMinutes(31));

    EntrySynchronizer.Result result = synchronizer.sync();

    assertThat(result.issued()).isEqualTo(1); // e2 only
    assertThat(server.issuedCount("e1")).isEqualTo(1);
    assertThat(cached().get("e1").svid()).isSameAs(first.svid());
    // not asked again on every tick: the next attempt waits, but not beyond the retry pause
    assertThat(synchronizer.nextRenewal()).isEqualTo(clock.instant().plus(EntrySynchronizer.REFUSED_RETRY));
    assertThat(synchronizer.renewalDeadline()).as("a retry is not put off")
        .isEqualTo(clock.instant().plus(EntrySynchronizer.REFUSED_RETRY));
    clock.advance(Duration.ofSeconds(1));
    synchronizer.sync();
    assertThat(server.calls.stream().filter("BatchNewX509SVID"::equals)).hasSize(2);

    clock.advance(Duration.ofMinutes(30)); // past not-after: the old SVID is dropped
    assertThat(synchronizer.sync().issued()).isEqualTo(1); // e2, due again
    assertThat(cached()).containsOnlyKeys("e2");
  }

  @Test
  void aChangedEntryWhoseNewSvidIsRefusedIsRetriedOnTheNextSync() {
    synchronizer.sync();
    CachedIdentity first = cached().get("e1");
    server.refused.add("e1");
    server.put(server.entry("e1", "/web", 2, "unix:uid:1000"));

    synchronizer.sync();
    assertThat(cached().get("e1").svid()).isSameAs(first.svid()); // same SPIFFE ID: still served

    server.refused.clear();
    synchronizer.sync();
    assertThat(server.issuedCount("e1")).isEqualTo(2);
    assertThat(cached().get("e1").svid()).isNotSameAs(first.svid());
  }

  @Test
  void anSvidForAnIdTheEntryNoLongerGrantsIsNotServed() {
    synchronizer.sync();
    server.refused.add("e1");
    server.put(server.entry("e1", "/renamed", 2, "unix:uid:1000"));

    synchronizer.sync();

    assertThat(cached()).containsOnlyKeys("e2");
  }

  @Test
  void anSvidThatDoesNotCertifyTheCsrKeyIsDiscarded() {
    server.certifyWrongKey = true;

    EntrySynchronizer.Result result = synchronizer.sync();

    assertThat(result.issued()).isZero();
    assertThat(cache.current().identities()).isEmpty();
  }

  @Test
  void federatedBundlesReachTheSnapshotAndMissingOnesAreSkipped() {
    TestCertificate.Issued foreignCa = TestCertificate.ca("foreign.test").issue();
    Bundle foreign = Bundle.ofX509(FOREIGN, List.of(foreignCa.certificate()));
    server.federated.put(FOREIGN, foreign);
    server.put(server.entry("e1", "/web", 1, "unix:uid:1000").toBuilder()
        .addFederatesWith("foreign.test").addFederatesWith("missing.test").build());

    synchronizer.sync();

    assertThat(cache.current().federatedBundles()).containsOnlyKeys(FOREIGN);
    assertThat(cache.current().federatedBundles().get(FOREIGN)).isEqualTo(foreign);
    assertThat(cached().get("e1").federatesWith()).containsExactly(FOREIGN, TrustDomain.parse("missing.test"));
    assertThat(cache.current().viewFor(Set.of(Selector.parse("unix:uid:1000"))).federatedBundles())
        .containsOnlyKeys(FOREIGN);
    assertThat(cache.current().viewFor(Set.of(Selector.parse("unix:uid:1001"))).federatedBundles()).isEmpty();
  }

  @Test
  void aServerErrorLeavesTheCacheAsItWas() {
    synchronizer.sync();
    IdentitySnapshot before = cache.current();
    clock.advance(Duration.ofMinutes(31));

    server.failure = Status.UNAVAILABLE.withDescription("down").asRuntimeException();
    assertThatThrownBy(synchronizer::sync).isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(cache.current()).isSameAs(before);

    server.failure = null;
    server.batchFailure = Status.INTERNAL.withDescription("ca unavailable").asRuntimeException();
    assertThatThrownBy(synchronizer::sync).isInstanceOf(StatusRuntimeException.class);
    assertThat(cache.current()).isSameAs(before);

    server.batchFailure = null;
    assertThat(synchronizer.sync().issued()).isEqualTo(2);
  }

  @Test
  void entriesWithoutSelectorsAreNotWorkloadIdentities() {
    server.put(Entry.newBuilder(server.entry("alias", "/node-alias", 1)).build());

    EntrySynchronizer.Result result = synchronizer.sync();

    assertThat(result.entries()).isEqualTo(2);
    assertThat(server.issuedCount("alias")).isZero();
  }

  @Test
  void aBundleOfAnotherTrustDomainIsRefused() throws Exception {
    try (FakeSpireServer other = new FakeSpireServer("other.test", clock)) {
      EntrySynchronizer wrong = new EntrySynchronizer(other.api(), server.trustDomain, cache, jwts, KeyType.EC_P256, clock);
      assertThatThrownBy(wrong::sync).isInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("other.test");
    }
    assertThat(cache.current().identities()).isEmpty();
  }
}
