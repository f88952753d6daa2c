package dev.signet.controller.federation;

import dev.signet.proto.spire.api.types.FederationRelationship;
import io.grpc.Status;
import java.util.List;

/** The part of the server's trust domain API the controller uses; batch calls answer one status per item. */
public interface FederationClient {
  /** Every federation relationship on the server. */
  List<FederationRelationship> list();

  /** Creates relationships. */
  List<Status> create(List<FederationRelationship> relationships);

  /** Updates the bundle endpoint URL and profile of relationships (their bundles are left as they are). */
  List<Status> update(List<FederationRelationship> relationships);

  /** Deletes the relationships with these trust domains. */
  List<Status> delete(List<String> trustDomains);
}
