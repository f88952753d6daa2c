package dev.signet.ca.manager;

import static dev.signet.ca.manager.CaManagerRotationTest.T0;
import static dev.signet.ca.manager.CaManagerRotationTest.TD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.signet.ca.keymanager.MemoryKeyManager;
import dev.signet.common.logging.LogFields;
import dev.signet.common.testing.CapturedLogs;
import dev.signet.common.time.ManualClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every CA change leaves one line per authority it touched; a rolled-back change leaves none. */
class AuthorityChangeLogTest {
  private final ManualClock clock = new ManualClock(T0);
  private final CaManager ca = new CaManager(CaConfig.defaults(TD), new MemoryKeyManager(), null,
      new InMemoryJournalStore(), new InMemoryBundleStore(TD), clock);

  private static List<String> messages(CapturedLogs logs) {
    return logs.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void eachStepOfARotationLeavesOneLineNamingTheAuthority() {
    try (CapturedLogs logs = CapturedLogs.of(CaManager.class)) {
      ca.rotate();
      assertThat(messages(logs)).containsExactly("x509 authority activated", "jwt authority activated");
    }
    String first = ca.currentX509Authority().authorityId();
    try (CapturedLogs logs = CapturedLogs.of(CaManager.class)) {
      AuthorityState prepared = ca.prepareX509Authority();
      ca.activateX509Authority(prepared.authorityId());
      ca.taintX509Authority(first);
      ca.revokeX509Authority(first);

      assertThat(messages(logs)).containsExactly("x509 authority prepared", "x509 authority activated",
          "x509 authority tainted", "x509 authority removed");
      Map<String, Object> activated = CapturedLogs.fields(logs.events().get(1));
      assertThat(activated).containsEntry(LogFields.AUTHORITY_KIND, "x509")
          .containsEntry(LogFields.AUTHORITY_ID, prepared.authorityId())
          .containsEntry(LogFields.REPLACES, first)
          .containsEntry(LogFields.NOT_AFTER, prepared.notAfter());
      assertThat(CapturedLogs.fields(logs.events().get(2))).containsEntry(LogFields.AUTHORITY_ID, first);
    }
  }

  @Test
  void aScheduledJwtRotationLeavesOneLinePerStepAndARefusedChangeNone() {
    ca.rotate();
    try (CapturedLogs logs = CapturedLogs.of(CaManager.class)) {
      AuthorityState prepared = ca.prepareJwtAuthority();
      assertThatThrownBy(() -> ca.activateJwtAuthority("no-such-kid")).isNotNull();
      ca.activateJwtAuthority(prepared.authorityId());

      assertThat(messages(logs)).containsExactly("jwt authority prepared", "jwt authority activated");
      assertThat(logs.events()).allSatisfy(e -> assertThat(CapturedLogs.fields(e))
          .containsEntry(LogFields.AUTHORITY_KIND, "jwt").containsEntry(LogFields.AUTHORITY_ID, prepared.authorityId()));
    }
  }
}
