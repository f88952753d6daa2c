package dev.signet.controller.federation;

import dev.signet.proto.spire.api.server.trustdomain.v1.BatchCreateFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchDeleteFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchUpdateFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.ListFederationRelationshipsRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.ListFederationRelationshipsResponse;
import dev.signet.proto.spire.api.types.FederationRelationship;
import dev.signet.proto.spire.api.types.FederationRelationshipMask;
import dev.signet.proto.transport.AdminClient;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/** {@link FederationClient} over the server's admin socket. */
public final class GrpcFederationClient implements FederationClient {
  private final AdminClient admin;

  public GrpcFederationClient(AdminClient admin) {
    this.admin = admin;
  }

  @Override
  public List<FederationRelationship> list() {
    List<FederationRelationship> out = new ArrayList<>();
    String token = "";
    do {
      ListFederationRelationshipsResponse page = admin.trustDomains().listFederationRelationships(
          ListFederationRelationshipsRequest.newBuilder().setPageSize(500).setPageToken(token).build());
      out.addAll(page.getFederationRelationshipsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  @Override
  public List<Status> create(List<FederationRelationship> relationships) {
    return admin.trustDomains().batchCreateFederationRelationship(BatchCreateFederationRelationshipRequest
        .newBuilder().addAllFederationRelationships(relationships).build())
        .getResultsList().stream().map(r -> status(r.getStatus())).toList();
  }

  @Override
  public List<Status> update(List<FederationRelationship> relationships) {
    FederationRelationshipMask mask = FederationRelationshipMask.newBuilder().setBundleEndpointUrl(true)
        .setBundleEndpointProfile(true).build();
    return admin.trustDomains().batchUpdateFederationRelationship(BatchUpdateFederationRelationshipRequest
        .newBuilder().addAllFederationRelationships(relationships).setInputMask(mask).build())
        .getResultsList().stream().map(r -> status(r.getStatus())).toList();
  }

  @Override
  public List<Status> delete(List<String> trustDomains) {
    return admin.trustDomains().batchDeleteFederationRelationship(BatchDeleteFederationRelationshipRequest
        .newBuilder().addAllTrustDomains(trustDomains).build())
        .getResultsList().stream().map(r -> status(r.getStatus())).toList();
  }

  private static Status status(dev.signet.proto.spire.api.types.Status status) {
    return Status.fromCodeValue(status.getCode()).withDescription(status.getMessage());
  }
}
