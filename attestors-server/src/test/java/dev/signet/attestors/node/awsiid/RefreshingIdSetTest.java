package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestationException;
import dev.signet.common.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RefreshingIdSetTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T00:00:00Z"));
  private final Set<String> accounts = new HashSet<>(Set.of("111111111111"));
  private int fetches;
  private boolean down;
  private final java.util.function.Supplier<Set<String>> api = () -> {
    fetches++;
    if (down) {
      throw new AttestationException(AttestationException.Kind.UNAVAILABLE, "organizations is down");
    }
    return Set.copyOf(accounts);
  };
  private static final Duration MISS_REFRESH = Duration.ofMinutes(1);
  private static final Duration BACKOFF = Duration.ofSeconds(10);
  private final RefreshingIdSet membership = new RefreshingIdSet("verify_organization: the account list", api,
      Duration.ofMinutes(3), MISS_REFRESH, BACKOFF, clock);

  @Test
  void theListIsCachedForItsTtl() {
    assertThat(membership.contains("111111111111")).isTrue();
    clock.advance(Duration.ofSeconds(170));
    assertThat(membership.contains("111111111111")).isTrue();
    assertThat(fetches).isEqualTo(1);
    clock.advance(Duration.ofSeconds(10));
    accounts.remove("111111111111");
    assertThat(membership.contains("111111111111")).as("removed from the organization").isFalse();
    assertThat(fetches).isEqualTo(2);
  }

  @Test
  void unknownAccountsRefreshTheListAtMostOnceAMinute() {
    assertThat(membership.contains("222222222222")).isFalse();
    for (int i = 0; i < 50; i++) {
      assertThat(membership.contains("22222222222" + (i % 10))).isFalse();
    }
    assertThat(fetches).as("fifty foreign documents in a burst cost one list").isEqualTo(1);
    accounts.add("222222222222"); // joins the organization
    clock.advance(MISS_REFRESH);
    assertThat(membership.contains("222222222222")).isTrue();
    assertThat(fetches).isEqualTo(2);
  }

  @Test
  void anExpiredListThatCannotBeRenewedFailsClosed() {
    assertThat(membership.contains("111111111111")).isTrue();
    down = true;
    clock.advance(Duration.ofMinutes(3));
    assertThatThrownBy(() -> membership.contains("111111111111")).isInstanceOfSatisfying(AttestationException.class,
        e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE));
    assertThatThrownBy(() -> membership.contains("111111111111")).as("no stale list is trusted")
        .isInstanceOf(AttestationException.class);
    assertThat(fetches).as("the back-off spares the API").isEqualTo(2);
    down = false;
    clock.advance(BACKOFF);
    assertThat(membership.contains("111111111111")).isTrue();
    assertThat(fetches).isEqualTo(3);
  }

  /** A replayed foreign document forcing a refresh that fails must not lock members out of a fresh list. */
  @Test
  void aFailedRefreshForAnUnknownAccountKeepsTheFreshList() {
    assertThat(membership.contains("111111111111")).isTrue();
    clock.advance(MISS_REFRESH);
    down = true;
    assertThatThrownBy(() -> membership.contains("999999999999")).isInstanceOfSatisfying(
        AttestationException.class, e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE));
    assertThat(membership.contains("111111111111")).isTrue();
    assertThat(membership.contains("999999999999")).as("the next refresh waits a minute").isFalse();
    assertThat(fetches).isEqualTo(2);
  }
}
