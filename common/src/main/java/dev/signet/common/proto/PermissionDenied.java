package dev.signet.common.proto;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.signet.proto.spire.api.types.PermissionDeniedDetails;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * SPIRE's PERMISSION_DENIED with a machine-readable reason ({@code spire.api.types.PermissionDeniedDetails}
 * in the status details), which tells an agent whether it was banned, expired, or should re-attest.
 */
public final class PermissionDenied {
  private PermissionDenied() {}

  /** A PERMISSION_DENIED error carrying {@code reason}. */
  public static StatusRuntimeException of(PermissionDeniedDetails.Reason reason, String message) {
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(Status.Code.PERMISSION_DENIED.value())
        .setMessage(message)
        .addDetails(Any.pack(PermissionDeniedDetails.newBuilder().setReason(reason).build()))
        .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /** The reason of a PERMISSION_DENIED error; UNKNOWN when it carries none (or is another error). */
  public static PermissionDeniedDetails.Reason reasonOf(Throwable error) {
    com.google.rpc.Status status = StatusProto.fromThrowable(error);
    if (status == null || status.getCode() != Status.Code.PERMISSION_DENIED.value()) {
      return PermissionDeniedDetails.Reason.UNKNOWN;
    }
    for (Any detail : status.getDetailsList()) {
      if (detail.is(PermissionDeniedDetails.class)) {
        try {
          return detail.unpack(PermissionDeniedDetails.class).getReason();
        } catch (InvalidProtocolBufferException e) {
          return PermissionDeniedDetails.Reason.UNKNOWN;
        }
      }
    }
    return PermissionDeniedDetails.Reason.UNKNOWN;
  }
}
