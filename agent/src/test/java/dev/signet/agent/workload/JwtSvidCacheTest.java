package dev.signet.agent.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.JwtSvid;
import dev.signet.common.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtSvidCacheTest {
  private static final SpiffeId ID = SpiffeId.parse("spiffe://example.org/web");
  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final List<List<String>> requests = new ArrayList<>();
  private final JwtSvidCache cache = new JwtSvidCache((entry, id, audiences) -> {
    requests.add(audiences);
    Instant now = clock.instant();
    return new JwtSvid(id, "token-" + requests.size(), audiences, now.plus(Duration.ofMinutes(10)), now);
  }, clock);

  @Test
  void reusedUntilHalfLifeRegardlessOfAudienceOrder() {
    JwtSvid first = cache.fetch("e1", ID, List.of("b", "a"));
    assertThat(cache.fetch("e1", ID, List.of("a", "b", "a"))).isSameAs(first);
    clock.advance(Duration.ofMinutes(4));
    assertThat(cache.fetch("e1", ID, List.of("a", "b"))).isSameAs(first);
    clock.advance(Duration.ofMinutes(1));
    JwtSvid second = cache.fetch("e1", ID, List.of("a", "b"));
    assertThat(second.token().reveal()).isEqualTo("token-2");
    assertThat(requests).containsExactly(List.of("a", "b"), List.of("a", "b"));
  }

  @Test
  void anAgentWhoseClockIsFiveMinutesOffReusesATokenForHalfItsLifetimeFromReceipt() {
    for (Duration skew : List.of(Duration.ofMinutes(5), Duration.ofMinutes(-5))) {
      ManualClock agentClock = new ManualClock(clock.instant().plus(skew));
      List<Instant> minted = new ArrayList<>();
      JwtSvidCache skewed = new JwtSvidCache((entry, id, audiences) -> {
        Instant serverNow = clock.instant();
        minted.add(serverNow);
        // the server's clock: 5 minutes of a 10-minute token are gone, or yet to come, on the agent's clock
        return new JwtSvid(id, "token-" + minted.size(), audiences, serverNow.plus(Duration.ofMinutes(10)), serverNow);
      }, agentClock);
      JwtSvid first = skewed.fetch("e1", ID, List.of("a"));
      for (int i = 0; i < 4; i++) { // 4 minutes: within half the lifetime on either clock
        clock.advance(Duration.ofMinutes(1));
        agentClock.advance(Duration.ofMinutes(1));
        assertThat(skewed.fetch("e1", ID, List.of("a"))).as("skew %s, minute %d", skew, i + 1).isSameAs(first);
      }
      clock.advance(Duration.ofMinutes(1));
      agentClock.advance(Duration.ofMinutes(1));
      assertThat(skewed.fetch("e1", ID, List.of("a"))).as("skew %s: renewed at half life", skew).isNotSameAs(first);
      assertThat(minted).as("skew %s", skew).hasSize(2);
    }
  }

  @Test
  void keyedByEntryAndAudiences() {
    cache.fetch("e1", ID, List.of("a"));
    cache.fetch("e2", ID, List.of("a"));
    cache.fetch("e1", ID, List.of("a", "b"));
    assertThat(requests).hasSize(3);
    cache.retainEntries(Set.of("e2"));
    assertThat(cache.size()).isEqualTo(1);
  }
}
