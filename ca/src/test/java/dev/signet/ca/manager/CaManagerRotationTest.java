package dev.signet.ca.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.ca.jwt.JwtSigningAuthority;
import dev.signet.ca.keymanager.MemoryKeyManager;
import dev.signet.ca.x509.X509SigningAuthority;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaManagerRotationTest {
  static final TrustDomain TD = TrustDomain.parse("example.org");
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  final ManualClock clock = new ManualClock(T0);
  final InMemoryBundleStore bundles = new InMemoryBundleStore(TD);

  CaManager manager(Duration caTtl) {
    return new CaManager(new CaConfig(TD, null, KeyType.EC_P256, null, caTtl), new MemoryKeyManager(), null,
        new InMemoryJournalStore(), bundles, clock);
  }

  @Test
  void firstRotationCreatesAndPublishesActiveAuthorities() {
    CaManager ca = manager(Duration.ofHours(24));
    assertThat(ca.currentX509Authority()).isNull();
    assertThat(ca.currentJwtAuthority()).isNull();

    assertThat(ca.rotate()).isTrue();

    X509SigningAuthority x509 = ca.currentX509Authority();
    JwtSigningAuthority jwt = ca.currentJwtAuthority();
    assertThat(x509.notAfter()).isEqualTo(T0.plus(Duration.ofHours(24)));
    assertThat(jwt.notAfter()).isEqualTo(T0.plus(Duration.ofHours(24)));
    assertThat(jwt.keyId()).hasSize(32);
    assertThat(bundles.current().x509Certificates()).containsExactly(x509.certificate());
    assertThat(bundles.current().findJwtAuthority(jwt.keyId())).isPresent();
    assertThat(ca.x509AuthorityStates()).extracting(AuthorityState::status).containsExactly(AuthorityStatus.ACTIVE);
    assertThat(ca.rotate()).isFalse();
  }

  @Test
  void preparesAtHalfLifeActivatesAtFiveSixthsAndKeepsTheOld() {
    CaManager ca = manager(Duration.ofHours(24));
    List<String> events = new ArrayList<>();
    ca.addBundleListener(bundle -> events.add(describe(bundle, ca)));
    ca.rotate();
    X509SigningAuthority first = ca.currentX509Authority();
    JwtSigningAuthority firstJwt = ca.currentJwtAuthority();

    clock.set(T0.plus(Duration.ofHours(12)).minusSeconds(1));
    assertThat(ca.rotate()).isFalse();
    clock.set(T0.plus(Duration.ofHours(12)));
    assertThat(ca.rotate()).isTrue();

    assertThat(ca.currentX509Authority()).isSameAs(first);
    List<AuthorityState> states = ca.x509AuthorityStates();
    assertThat(states).extracting(AuthorityState::status).containsExactly(AuthorityStatus.ACTIVE, AuthorityStatus.PREPARED);
    String preparedId = states.get(1).authorityId();
    String preparedJwt = ca.jwtAuthorityStates().get(1).authorityId();
    assertThat(bundles.current().x509Certificates()).hasSize(2);
    assertThat(bundles.current().findJwtAuthority(preparedJwt)).isPresent();

    clock.set(T0.plus(Duration.ofHours(20)).minusSeconds(1));
    assertThat(ca.rotate()).isFalse();
    clock.set(T0.plus(Duration.ofHours(20)));
    assertThat(ca.rotate()).isTrue();

    assertThat(ca.currentX509Authority().authorityId()).isEqualTo(preparedId);
    assertThat(ca.currentJwtAuthority().keyId()).isEqualTo(preparedJwt);
    assertThat(ca.x509AuthorityStates()).extracting(AuthorityState::authorityId, AuthorityState::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(preparedId, AuthorityStatus.ACTIVE),
            org.assertj.core.groups.Tuple.tuple(first.authorityId(), AuthorityStatus.OLD));
    assertThat(ca.jwtAuthorityStates().get(1).authorityId()).isEqualTo(firstJwt.keyId());
    assertThat(bundles.current().x509Certificates()).contains(first.certificate());
    // every bundle that first carried the successor was delivered while the predecessor was still active
    assertThat(events).contains("x509=2 active=" + first.authorityId());

    // the successor was issued at T0+12h for 24h: its successor is prepared at T0+24h, activated at T0+32h
    clock.set(T0.plus(Duration.ofHours(24)).minusSeconds(1));
    assertThat(ca.rotate()).isFalse();
    clock.set(T0.plus(Duration.ofHours(24)));
    assertThat(ca.rotate()).isTrue();
    assertThat(ca.x509AuthorityStates()).extracting(AuthorityState::status)
        .containsExactly(AuthorityStatus.ACTIVE, AuthorityStatus.PREPARED);
    clock.set(T0.plus(Duration.ofHours(32)));
    assertThat(ca.rotate()).isTrue();
    assertThat(ca.currentX509Authority().authorityId()).isNotIn(preparedId, first.authorityId());
  }

  @Test
  void thresholdsAreCappedAtThirtyAndSevenDays() {
    CaManager ca = manager(Duration.ofDays(90));
    ca.rotate();
    Instant notAfter = T0.plus(Duration.ofDays(90));

    clock.set(notAfter.minus(Duration.ofDays(30)).minusSeconds(1));
    assertThat(ca.rotate()).isFalse();
    clock.set(notAfter.minus(Duration.ofDays(30)));
    assertThat(ca.rotate()).isTrue();
    clock.set(notAfter.minus(Duration.ofDays(7)).minusSeconds(1));
    assertThat(ca.rotate()).isFalse();
    clock.set(notAfter.minus(Duration.ofDays(7)));
    assertThat(ca.rotate()).isTrue();
    assertThat(ca.x509AuthorityStates().get(1).status()).isEqualTo(AuthorityStatus.OLD);
  }

  @Test
  void anExpiredCaIsReplacedAtOnce() {
    CaManager ca = manager(Duration.ofHours(1));
    ca.rotate();
    String first = ca.currentX509Authority().authorityId();
    clock.advance(Duration.ofDays(3));

    assertThat(ca.rotate()).isTrue();

    assertThat(ca.currentX509Authority().authorityId()).isNotEqualTo(first);
    assertThat(ca.currentX509Authority().notAfter()).isAfter(clock.instant());
  }

  private static String describe(Bundle bundle, CaManager ca) {
    X509SigningAuthority active = ca.currentX509Authority();
    return "x509=" + bundle.x509Authorities().size() + " active=" + (active == null ? "none" : active.authorityId());
  }
}
