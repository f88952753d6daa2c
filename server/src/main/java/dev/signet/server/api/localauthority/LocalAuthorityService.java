package dev.signet.server.api.localauthority;

import dev.signet.ca.CaException;
import dev.signet.ca.manager.AuthorityState;
import dev.signet.ca.manager.AuthorityStatus;
import dev.signet.ca.manager.CaManager;
import dev.signet.proto.spire.api.server.localauthority.v1.*;
import dev.signet.server.api.Unary;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * SPIRE's LocalAuthority API over the {@link CaManager}: inspect the prepared/active/old X.509 and JWT
 * authorities, prepare and activate the next one, taint the old one (agents rotate away from it) and
 * revoke it (it leaves the bundle). The CA manager enforces the order; its refusals keep their kind.
 * WIT authorities and upstream taint/revoke are not built yet and answer UNIMPLEMENTED.
 */
public final class LocalAuthorityService extends LocalAuthorityGrpc.LocalAuthorityImplBase {
  private final CaManager ca;

  public LocalAuthorityService(CaManager ca) {
    this.ca = ca;
  }

  @Override
  public void getX509AuthorityState(GetX509AuthorityStateRequest request,
      StreamObserver<GetX509AuthorityStateResponse> out) {
    List<AuthorityState> states = call(ca::x509AuthorityStates);
    GetX509AuthorityStateResponse.Builder response = GetX509AuthorityStateResponse.newBuilder();
    find(states, AuthorityStatus.ACTIVE).ifPresent(response::setActive);
    find(states, AuthorityStatus.PREPARED).ifPresent(response::setPrepared);
    find(states, AuthorityStatus.OLD).ifPresent(response::setOld);
    reply(out, response.build());
  }

  @Override
  public void prepareX509Authority(PrepareX509AuthorityRequest request,
      StreamObserver<PrepareX509AuthorityResponse> out) {
    reply(out, PrepareX509AuthorityResponse.newBuilder()
        .setPreparedAuthority(toProto(call(ca::prepareX509Authority))).build());
  }

  @Override
  public void activateX509Authority(ActivateX509AuthorityRequest request,
      StreamObserver<ActivateX509AuthorityResponse> out) {
    reply(out, ActivateX509AuthorityResponse.newBuilder()
        .setActivatedAuthority(toProto(call(() -> ca.activateX509Authority(request.getAuthorityId())))).build());
  }

  @Override
  public void taintX509Authority(TaintX509AuthorityRequest request, StreamObserver<TaintX509AuthorityResponse> out) {
    reply(out, TaintX509AuthorityResponse.newBuilder()
        .setTaintedAuthority(toProto(call(() -> ca.taintX509Authority(request.getAuthorityId())))).build());
  }

  @Override
  public void revokeX509Authority(RevokeX509AuthorityRequest request,
      StreamObserver<RevokeX509AuthorityResponse> out) {
    reply(out, RevokeX509AuthorityResponse.newBuilder()
        .setRevokedAuthority(toProto(call(() -> ca.revokeX509Authority(request.getAuthorityId())))).build());
  }

  @Override
  public void getJWTAuthorityState(GetJWTAuthorityStateRequest request,
      StreamObserver<GetJWTAuthorityStateResponse> out) {
    List<AuthorityState> states = call(ca::jwtAuthorityStates);
    GetJWTAuthorityStateResponse.Builder response = GetJWTAuthorityStateResponse.newBuilder();
    find(states, AuthorityStatus.ACTIVE).ifPresent(response::setActive);
    find(states, AuthorityStatus.PREPARED).ifPresent(response::setPrepared);
    find(states, AuthorityStatus.OLD).ifPresent(response::setOld);
    reply(out, response.build());
  }

  @Override
  public void prepareJWTAuthority(PrepareJWTAuthorityRequest request, StreamObserver<PrepareJWTAuthorityResponse> out) {
    reply(out, PrepareJWTAuthorityResponse.newBuilder()
        .setPreparedAuthority(toProto(call(ca::prepareJwtAuthority))).build());
  }

  @Override
  public void activateJWTAuthority(ActivateJWTAuthorityRequest request,
      StreamObserver<ActivateJWTAuthorityResponse> out) {
    reply(out, ActivateJWTAuthorityResponse.newBuilder()
        .setActivatedAuthority(toProto(call(() -> ca.activateJwtAuthority(request.getAuthorityId())))).build());
  }

  @Override
  public void taintJWTAuthority(TaintJWTAuthorityRequest request, StreamObserver<TaintJWTAuthorityResponse> out) {
    reply(out, TaintJWTAuthorityResponse.newBuilder()
        .setTaintedAuthority(toProto(call(() -> ca.taintJwtAuthority(request.getAuthorityId())))).build());
  }

  @Override
  public void revokeJWTAuthority(RevokeJWTAuthorityRequest request, StreamObserver<RevokeJWTAuthorityResponse> out) {
    reply(out, RevokeJWTAuthorityResponse.newBuilder()
        .setRevokedAuthority(toProto(call(() -> ca.revokeJwtAuthority(request.getAuthorityId())))).build());
  }

  private static Optional<dev.signet.proto.spire.api.server.localauthority.v1.AuthorityState> find(
      List<AuthorityState> states, AuthorityStatus status) {
    return states.stream().filter(s -> s.status() == status).findFirst().map(LocalAuthorityService::toProto);
  }

  static dev.signet.proto.spire.api.server.localauthority.v1.AuthorityState toProto(AuthorityState state) {
    return dev.signet.proto.spire.api.server.localauthority.v1.AuthorityState.newBuilder()
        .setAuthorityId(state.authorityId())
        .setExpiresAt(state.notAfter().getEpochSecond())
        .build();
  }

  /** Runs a CA operation, turning its refusal kinds into gRPC statuses. */
  private static <T> T call(Supplier<T> operation) {
    try {
      return operation.get();
    } catch (CaException e) {
      throw statusOf(e);
    }
  }

  /** The gRPC status for a refusal of the CA (its kind chooses the code). */
  public static StatusRuntimeException statusOf(CaException e) {
    Status status = switch (e.kind()) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case INTERNAL -> Status.INTERNAL;
    };
    return status.withDescription(e.getMessage()).asRuntimeException();
  }

  private static <T> void reply(StreamObserver<T> out, T response) {
    Unary.reply(out, response);
  }
}
