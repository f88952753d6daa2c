package dev.signet.server.api;

import dev.signet.attestors.node.AttestationException;
import dev.signet.datastore.DataStoreException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Maps failures of lower layers onto the gRPC status a client should see. */
public final class ApiErrors {
  private ApiErrors() {}

  public static StatusRuntimeException fromDataStore(DataStoreException e) {
    Status status = switch (e.kind()) {
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case CONFLICT -> Status.ABORTED;
      case IN_USE -> Status.FAILED_PRECONDITION;
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      // gRPC's code for "the entire file system is out of space"; clients retry it like a rate limit
      case NO_SPACE -> Status.RESOURCE_EXHAUSTED;
      case INTERNAL -> Status.INTERNAL;
    };
    return status.withDescription(e.getMessage()).withCause(e).asRuntimeException();
  }

  public static StatusRuntimeException fromAttestation(AttestationException e) {
    Status status = switch (e.kind()) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case INTERNAL -> Status.INTERNAL;
    };
    return status.withDescription("failed to attest: " + e.getMessage()).asRuntimeException();
  }

  /** The per-item status used in batch responses ({@code spire.api.types.Status}). */
  public static dev.signet.proto.spire.api.types.Status batchStatus(StatusRuntimeException e) {
    return dev.signet.proto.spire.api.types.Status.newBuilder()
        .setCode(e.getStatus().getCode().value())
        .setMessage(e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription())
        .build();
  }

  /** Status OK for a batch item. */
  public static dev.signet.proto.spire.api.types.Status ok() {
    return dev.signet.proto.spire.api.types.Status.newBuilder().setCode(0).setMessage("OK").build();
  }

  /** Runs {@code action}, turning datastore failures into API statuses. */
  public static <T> T call(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (DataStoreException e) {
      throw fromDataStore(e);
    }
  }
}
