package dev.signet.agent.sync;

import dev.signet.agent.workload.JwtSvidSource;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.JwtSvid;
import dev.signet.proto.spire.api.server.svid.v1.NewJWTSVIDRequest;
import dev.signet.proto.spire.api.types.JWTSVID;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.List;

/** JWT-SVIDs from the server's NewJWTSVID (the entry decides the identity, the agent names the audience). */
public final class ServerJwtSvidSource implements JwtSvidSource {
  private final ServerApi api;

  public ServerJwtSvidSource(ServerApi api) {
    this.api = api;
  }

  @Override
  public JwtSvid fetch(String entryId, SpiffeId spiffeId, List<String> audiences) {
    JWTSVID svid;
    try {
      svid = api.svids().newJWTSVID(NewJWTSVIDRequest.newBuilder().setEntryId(entryId).addAllAudience(audiences)
          .build()).getSvid();
    } catch (StatusRuntimeException e) {
      throw new JwtSvidUnavailableException("server could not mint a jwt-svid for \"" + spiffeId + "\": "
          + e.getStatus().getCode() + " " + e.getStatus().getDescription(), e);
    }
    return new JwtSvid(spiffeId, svid.getToken(), audiences, Instant.ofEpochSecond(svid.getExpiresAt()),
        Instant.ofEpochSecond(svid.getIssuedAt()));
  }
}
