package dev.signet.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadIdentityCacheTest {
  private static final TestIdentities TD = new TestIdentities("example.org");

  @Test
  void subscriberGetsTheCurrentSnapshotThenEverySwapInOrderUntilClosed() {
    IdentitySnapshot first = IdentitySnapshot.empty(TD.bundle);
    IdentitySnapshot second = new IdentitySnapshot(TD.bundle, Map.of(), List.of(TD.identity("e1", "/a", "", "unix:uid:1")));
    IdentitySnapshot third = new IdentitySnapshot(TD.bundle, Map.of(), List.of(TD.identity("e2", "/b", "", "unix:uid:1")));
    WorkloadIdentityCache cache = new WorkloadIdentityCache(first);
    List<IdentitySnapshot> seen = new ArrayList<>();

    WorkloadIdentityCache.Subscription subscription = cache.subscribe(seen::add);
    cache.update(second);
    cache.update(second);
    assertThat(cache.subscriberCount()).isEqualTo(1);
    subscription.close();
    cache.update(third);

    assertThat(seen).containsExactly(first, second);
    assertThat(cache.current()).isEqualTo(third);
    assertThat(cache.subscriberCount()).isZero();
  }

  @Test
  void aFailingSubscriberDoesNotStopOthers() {
    WorkloadIdentityCache cache = new WorkloadIdentityCache(IdentitySnapshot.empty(TD.bundle));
    List<IdentitySnapshot> seen = new ArrayList<>();
    cache.subscribe(s -> {
      throw new IllegalStateException("boom");
    });
    cache.subscribe(seen::add);
    IdentitySnapshot next = new IdentitySnapshot(TD.bundle, Map.of(), List.of(TD.identity("e1", "/a", "", "unix:uid:1")));
    cache.update(next);
    assertThat(seen).hasSize(2).last().isEqualTo(next);
  }

  @Test
  void snapshotOfAnotherTrustDomainIsRefused() {
    WorkloadIdentityCache cache = new WorkloadIdentityCache(IdentitySnapshot.empty(TD.bundle));
    TestIdentities other = new TestIdentities("other.test");
    assertThatThrownBy(() -> cache.update(IdentitySnapshot.empty(other.bundle)))
        .hasMessageContaining("other.test");
  }
}
