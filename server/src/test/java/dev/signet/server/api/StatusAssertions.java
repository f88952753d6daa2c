package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.function.Executable;

/** The gRPC status a refused call must end with. */
final class StatusAssertions {
  private StatusAssertions() {}

  /** {@code call} fails with a {@link StatusRuntimeException} of {@code code} (the status shown when it does not). */
  static void assertCode(Executable call, Status.Code code) {
    assertThatThrownBy(call::execute).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code));
  }
}
