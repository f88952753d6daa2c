package dev.signet.common.logging;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A failure that is logged once, with fields, as it becomes the gRPC status a caller receives (SPIRE's
 * {@code api.MakeErr}): the line's message is the status description the caller sees, and its key/value
 * pairs are {@link LogFields#CODE} then the fields added with {@link #with}. Every refusal goes through here,
 * so each leaves exactly one line naming who, what and why.
 *
 * <p>Level: {@code INTERNAL}, {@code UNKNOWN} and {@code DATA_LOSS} are our own bugs and are logged at ERROR
 * with the cause's stack trace; every other code is a decision about the caller (or a dependency being
 * away) and is logged at WARN without the cause's stack, whose messages are not ours to vet.
 *
 * <p>Security: the description and fields are chosen by the caller of this class and must not carry a
 * secret; descriptions quote identities and values, never tokens or key material.
 */
public final class LoggedFailure {
  private record Field(String key, Object value) {}

  private final Status status;
  private final List<Field> fields = new ArrayList<>();

  private LoggedFailure(Status status) {
    this.status = Objects.requireNonNull(status, "status");
  }

  /** A failure with {@code code} and the lower-case {@code description} the caller will read. */
  public static LoggedFailure of(Status.Code code, String description) {
    return new LoggedFailure(code.toStatus().withDescription(description));
  }

  /** A failure for a status already made elsewhere (description, cause and code are kept). */
  public static LoggedFailure of(Status status) {
    return new LoggedFailure(status);
  }

  /** Adds a field; a null value is left out (a field that is unknown is not a field). */
  public LoggedFailure with(String key, Object value) {
    Objects.requireNonNull(key, "key");
    if (value != null) {
      fields.add(new Field(key, value));
    }
    return this;
  }

  /** Logs the line to {@code logger} and returns the status. */
  public Status log(Logger logger) {
    boolean bug = switch (status.getCode()) {
      case INTERNAL, UNKNOWN, DATA_LOSS -> true;
      default -> false;
    };
    LoggingEventBuilder line = logger.atLevel(bug ? Level.ERROR : Level.WARN)
        .addKeyValue(LogFields.CODE, status.getCode().name());
    for (Field field : fields) {
      line = line.addKeyValue(field.key(), field.value());
    }
    if (bug && status.getCause() != null) {
      line = line.setCause(status.getCause());
    }
    line.log(status.getDescription() == null ? status.getCode().name().toLowerCase(Locale.ROOT)
        : status.getDescription());
    return status;
  }

  /** Logs the line and returns the status as a checked exception. */
  public StatusException logException(Logger logger) {
    return log(logger).asException();
  }

  /** Logs the line and returns the status as an unchecked exception. */
  public StatusRuntimeException logRuntimeException(Logger logger) {
    return log(logger).asRuntimeException();
  }
}
