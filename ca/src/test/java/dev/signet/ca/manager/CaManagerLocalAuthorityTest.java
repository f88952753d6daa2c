package dev.signet.ca.manager;

import static dev.signet.ca.manager.CaManagerRotationTest.T0;
import static dev.signet.ca.manager.CaManagerRotationTest.TD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.ca.CaException;
import dev.signet.ca.CaException.Kind;
import dev.signet.ca.keymanager.MemoryKeyManager;
import dev.signet.common.time.ManualClock;
import java.security.cert.X509Certificate;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CaManagerLocalAuthorityTest {
  final ManualClock clock = new ManualClock(T0);
  final InMemoryBundleStore bundles = new InMemoryBundleStore(TD);
  final CaManager ca = new CaManager(CaConfig.defaults(TD), new MemoryKeyManager(), null, new InMemoryJournalStore(),
      bundles, clock);

  @BeforeEach
  void start() {
    ca.rotate();
  }

  @Test
  void x509PrepareActivateTaintRevoke() {
    String first = ca.currentX509Authority().authorityId();
    X509Certificate firstCert = ca.currentX509Authority().certificate();

    AuthorityState prepared = ca.prepareX509Authority();
    assertThat(prepared.status()).isEqualTo(AuthorityStatus.PREPARED);
    assertThat(ca.activateX509Authority(prepared.authorityId()).status()).isEqualTo(AuthorityStatus.ACTIVE);
    assertThat(ca.currentX509Authority().authorityId()).isEqualTo(prepared.authorityId());

    AuthorityState tainted = ca.taintX509Authority(first);
    assertThat(tainted.tainted()).isTrue();
    assertThat(bundles.current().findX509Authority(firstCert).orElseThrow().tainted()).isTrue();

    AuthorityState revoked = ca.revokeX509Authority(first);
    assertThat(revoked.authorityId()).isEqualTo(first);
    assertThat(bundles.current().findX509Authority(firstCert)).isEmpty();
    assertThat(ca.x509AuthorityStates()).extracting(AuthorityState::authorityId).containsExactly(prepared.authorityId());
  }

  @Test
  void aForcedRotationPreparesAndActivatesInOneStep() {
    InMemoryJournalStore journal = new InMemoryJournalStore();
    MemoryKeyManager keys = new MemoryKeyManager();
    CaManager manager = new CaManager(CaConfig.defaults(TD), keys, null, journal, new InMemoryBundleStore(TD), clock);
    manager.rotate();
    String before = manager.currentX509Authority().authorityId();

    AuthorityState rotated = manager.prepareAndActivateX509Authority();

    assertThat(rotated.status()).isEqualTo(AuthorityStatus.ACTIVE);
    assertThat(manager.currentX509Authority().authorityId()).isEqualTo(rotated.authorityId()).isNotEqualTo(before);
    assertThat(manager.x509AuthorityStates()).extracting(AuthorityState::authorityId, AuthorityState::status)
        .contains(org.assertj.core.groups.Tuple.tuple(before, AuthorityStatus.OLD),
            org.assertj.core.groups.Tuple.tuple(rotated.authorityId(), AuthorityStatus.ACTIVE));
    // one journal write holds the end state: a manager restarted from it serves the new authority
    CaManager restarted = new CaManager(CaConfig.defaults(TD), keys, null, journal, new InMemoryBundleStore(TD), clock);
    assertThat(restarted.currentX509Authority().authorityId()).isEqualTo(rotated.authorityId());
  }

  @Test
  void jwtPrepareActivateTaintRevoke() {
    String first = ca.currentJwtAuthority().keyId();
    AuthorityState prepared = ca.prepareJwtAuthority();
    ca.activateJwtAuthority(prepared.authorityId());

    ca.taintJwtAuthority(first);
    assertThat(bundles.current().findJwtAuthority(first).orElseThrow().tainted()).isTrue();
    ca.revokeJwtAuthority(first);
    assertThat(bundles.current().findJwtAuthority(first)).isEmpty();
    assertThat(bundles.current().findJwtAuthority(prepared.authorityId())).isPresent();
  }

  @Test
  void theActiveAuthorityCannotBeTaintedOrRevoked() {
    String active = ca.currentX509Authority().authorityId();
    expect(Kind.FAILED_PRECONDITION, "active", () -> ca.taintX509Authority(active));
    expect(Kind.FAILED_PRECONDITION, "active", () -> ca.revokeX509Authority(active));
    expect(Kind.FAILED_PRECONDITION, "active", () -> ca.taintJwtAuthority(ca.currentJwtAuthority().keyId()));
  }

  @Test
  void anUntaintedAuthorityCannotBeRevoked() {
    String first = ca.currentX509Authority().authorityId();
    ca.activateX509Authority(ca.prepareX509Authority().authorityId());
    expect(Kind.FAILED_PRECONDITION, "not tainted", () -> ca.revokeX509Authority(first));
    String firstJwt = ca.currentJwtAuthority().keyId();
    ca.activateJwtAuthority(ca.prepareJwtAuthority().authorityId());
    expect(Kind.FAILED_PRECONDITION, "not tainted", () -> ca.revokeJwtAuthority(firstJwt));
  }

  @Test
  void aPreparedAuthorityCannotBeTaintedAndTaintIsNotRepeated() {
    AuthorityState prepared = ca.prepareX509Authority();
    expect(Kind.FAILED_PRECONDITION, "only an old authority", () -> ca.taintX509Authority(prepared.authorityId()));
    String first = ca.currentX509Authority().authorityId();
    ca.activateX509Authority(prepared.authorityId());
    ca.taintX509Authority(first);
    expect(Kind.FAILED_PRECONDITION, "already tainted", () -> ca.taintX509Authority(first));
  }

  @Test
  void activationNeedsThePreparedAuthority() {
    String active = ca.currentX509Authority().authorityId();
    expect(Kind.NOT_FOUND, "no prepared", () -> ca.activateX509Authority("00ff"));
    expect(Kind.FAILED_PRECONDITION, "already active", () -> ca.activateX509Authority(active));
    ca.activateX509Authority(ca.prepareX509Authority().authorityId());
    expect(Kind.FAILED_PRECONDITION, "only a prepared", () -> ca.activateX509Authority(active));
  }

  @Test
  void unknownAndMissingIdsAreRefused() {
    expect(Kind.NOT_FOUND, "no x509 authority", () -> ca.taintX509Authority("abcdef"));
    expect(Kind.INVALID_ARGUMENT, "missing", () -> ca.revokeJwtAuthority(""));
    expect(Kind.INVALID_ARGUMENT, "missing", () -> ca.activateJwtAuthority(null));
  }

  private static void expect(Kind kind, String message, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOfSatisfying(CaException.class, e -> assertThat(e.kind()).isEqualTo(kind))
        .hasMessageContaining(message);
  }
}
