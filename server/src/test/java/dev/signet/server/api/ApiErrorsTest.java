package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.datastore.DataStoreException;
import io.grpc.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gRPC status each datastore failure kind reaches a client as. */
class ApiErrorsTest {

  @ParameterizedTest
  @CsvSource({
      "NOT_FOUND, NOT_FOUND",
      "ALREADY_EXISTS, ALREADY_EXISTS",
      "CONFLICT, ABORTED",
      "IN_USE, FAILED_PRECONDITION",
      "INVALID_ARGUMENT, INVALID_ARGUMENT",
      "UNAVAILABLE, UNAVAILABLE",
      // a full disk is not our bug: the client may retry once there is room (issue 15, fault 6)
      "NO_SPACE, RESOURCE_EXHAUSTED",
      "INTERNAL, INTERNAL"})
  void mapsDataStoreKindToStatus(DataStoreException.Kind kind, Status.Code code) {
    DataStoreException failure = new DataStoreException(kind, "datastore: failed to create entry \"x\"");
    Status status = ApiErrors.fromDataStore(failure).getStatus();
    assertThat(status.getCode()).isEqualTo(code);
    assertThat(status.getDescription()).isEqualTo("datastore: failed to create entry \"x\"");
  }
}
