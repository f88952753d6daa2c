package dev.signet.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.signet.common.testing.CapturedLogs;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggedFailureTest {
  private static final Logger LOG = LoggerFactory.getLogger(LoggedFailureTest.class);

  @Test
  void aRefusalIsOneWarnLineWithTheCodeAndFieldsAndBecomesTheStatus() {
    try (CapturedLogs logs = CapturedLogs.of(LoggedFailureTest.class)) {
      StatusException e = LoggedFailure.of(Status.Code.PERMISSION_DENIED, "no identity issued")
          .with(LogFields.CALLER_PID, 42).with(LogFields.CALLER_UID, 1000).with(LogFields.SPIFFE_ID, null)
          .logException(LOG);

      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(e.getStatus().getDescription()).isEqualTo("no identity issued");
      assertThat(logs.events()).hasSize(1);
      ILoggingEvent line = logs.events().getFirst();
      assertThat(line.getLevel()).isEqualTo(Level.WARN);
      assertThat(line.getFormattedMessage()).isEqualTo("no identity issued");
      assertThat(CapturedLogs.fields(line)).containsExactly(
          Map.entry(LogFields.CODE, "PERMISSION_DENIED"), Map.entry(LogFields.CALLER_PID, 42),
          Map.entry(LogFields.CALLER_UID, 1000));
    }
  }

  @Test
  void fieldsKeepTheirOrderAndANullValueIsLeftOut() {
    try (CapturedLogs logs = CapturedLogs.of(LoggedFailureTest.class)) {
      LoggedFailure.of(Status.Code.PERMISSION_DENIED, "refused")
          .with(LogFields.CALLER_PID, 42).with(LogFields.SPIFFE_ID, null).with(LogFields.CALLER_UID, 1000)
          .log(LOG);

      assertThat(CapturedLogs.fields(logs.events().getFirst()).keySet())
          .containsExactly(LogFields.CODE, LogFields.CALLER_PID, LogFields.CALLER_UID);
    }
  }

  @Test
  void anInternalFailureIsAnErrorWithItsCauseAndAnExistingStatusKeepsItsCause() {
    IllegalStateException bug = new IllegalStateException("broken invariant");
    try (CapturedLogs logs = CapturedLogs.of(LoggedFailureTest.class)) {
      Status status = LoggedFailure.of(Status.INTERNAL.withDescription("failed").withCause(bug)).log(LOG);

      assertThat(status.getCause()).isSameAs(bug);
      ILoggingEvent line = logs.events().getFirst();
      assertThat(line.getLevel()).isEqualTo(Level.ERROR);
      assertThat(line.getThrowableProxy().getMessage()).isEqualTo("broken invariant");
    }
  }

  @Test
  void aRefusalDoesNotPrintItsCause() {
    try (CapturedLogs logs = CapturedLogs.of(LoggedFailureTest.class)) {
      LoggedFailure.of(Status.PERMISSION_DENIED.withDescription("refused")
          .withCause(new IllegalArgumentException("detail from a library"))).log(LOG);

      assertThat(logs.events().getFirst().getThrowableProxy()).isNull();
      assertThat(logs.text()).doesNotContain("detail from a library");
    }
  }
}
