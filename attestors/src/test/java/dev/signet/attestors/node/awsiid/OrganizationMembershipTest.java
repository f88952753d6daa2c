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

class OrganizationMembershipTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T00:00:00Z"));
  private final Set<String> accounts = new HashSet<>(Set.of("111111111111"));
  private int fetches;
  private boolean down;
  private final OrganizationsApi api = () -> {
    fetches++;
    if (down) {
      throw new AttestationException(AttestationException.Kind.UNAVAILABLE, "organizations is down");
    }
    return Set.copyOf(accounts);
  };
  private final OrganizationMembership membership = new OrganizationMembership(api, Duration.ofMinutes(3), clock);

  @Test
  void theListIsCachedForItsTtl() {
    assertThat(membership.isActiveMember("111111111111")).isTrue();
    clock.advance(Duration.ofSeconds(170));
    assertThat(membership.isActiveMember("111111111111")).isTrue();
    assertThat(fetches).isEqualTo(1);
    clock.advance(Duration.ofSeconds(10));
    accounts.remove("111111111111");
    assertThat(membership.isActiveMember("111111111111")).as("removed from the organization").isFalse();
    assertThat(fetches).isEqualTo(2);
  }

  @Test
  void unknownAccountsRefreshTheListAtMostOnceAMinute() {
    assertThat(membership.isActiveMember("222222222222")).isFalse();
    for (int i = 0; i < 50; i++) {
      assertThat(membership.isActiveMember("22222222222" + (i % 10))).isFalse();
    }
    assertThat(fetches).as("fifty foreign documents in a burst cost one list").isEqualTo(1);
    accounts.add("222222222222"); // joins the organization
    clock.advance(OrganizationMembership.MISS_REFRESH_INTERVAL);
    assertThat(membership.isActiveMember("222222222222")).isTrue();
    assertThat(fetches).isEqualTo(2);
  }

  @Test
  void anExpiredListThatCannotBeRenewedFailsClosed() {
    assertThat(membership.isActiveMember("111111111111")).isTrue();
    down = true;
    clock.advance(Duration.ofMinutes(3));
    assertThatThrownBy(() -> membership.isActiveMember("111111111111")).isInstanceOfSatisfying(AttestationException.class,
        e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE));
    assertThatThrownBy(() -> membership.isActiveMember("111111111111")).as("no stale list is trusted")
        .isInstanceOf(AttestationException.class);
    assertThat(fetches).as("the back-off spares the API").isEqualTo(2);
    down = false;
    clock.advance(OrganizationMembership.FAILURE_BACKOFF);
    assertThat(membership.isActiveMember("111111111111")).isTrue();
    assertThat(fetches).isEqualTo(3);
  }

  /** A replayed foreign document forcing a refresh that fails must not lock members out of a fresh list. */
  @Test
  void aFailedRefreshForAnUnknownAccountKeepsTheFreshList() {
    assertThat(membership.isActiveMember("111111111111")).isTrue();
    clock.advance(OrganizationMembership.MISS_REFRESH_INTERVAL);
    down = true;
    assertThatThrownBy(() -> membership.isActiveMember("999999999999")).isInstanceOfSatisfying(
        AttestationException.class, e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE));
    assertThat(membership.isActiveMember("111111111111")).isTrue();
    assertThat(membership.isActiveMember("999999999999")).as("the next refresh waits a minute").isFalse();
    assertThat(fetches).isEqualTo(2);
  }
}
