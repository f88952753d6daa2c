package dev.signet.controller.federation;

import dev.signet.controller.crd.Owner;
import dev.signet.proto.spire.api.types.FederationRelationship;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the server's federation relationships in step with the {@code ClusterFederatedTrustDomain} resources: a
 * declared relationship missing on the server is created (with its bootstrap bundle when given), one whose bundle
 * endpoint URL or profile differs is updated (its bundle, which the server keeps refreshing, is left alone).
 *
 * <p>Security: federation relationships carry no owner mark, so only a relationship this controller declared in an
 * earlier pass and no resource declares any more is deleted; relationships made with {@code federation create} (or
 * left from before a restart) are never touched.
 */
public final class FederationReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(FederationReconciler.class);
  private final FederationClient client;
  private final Set<String> declaredBefore = new HashSet<>();

  public FederationReconciler(FederationClient client) {
    this.client = client;
  }

  /** One pass over the declared relationships (owner to relationship; a duplicate trust domain: the older wins). */
  public void reconcile(Map<Owner, FederationRelationship> declaredByOwner) {
    Map<String, Owner> winners = new HashMap<>();
    Map<String, FederationRelationship> declared = new HashMap<>();
    declaredByOwner.forEach((owner, relationship) -> {
      Owner other = winners.get(relationship.getTrustDomain());
      if (other == null || Owner.PREFERENCE.compare(owner, other) < 0) {
        if (other != null) {
          LOG.warn("{} and {} both declare trust domain {}; the older, {}, wins", owner, other,
              relationship.getTrustDomain(), owner);
        }
        winners.put(relationship.getTrustDomain(), owner);
        declared.put(relationship.getTrustDomain(), relationship);
      }
    });
    Map<String, FederationRelationship> current = new HashMap<>();
    client.list().forEach(r -> current.put(r.getTrustDomain(), r));
    List<FederationRelationship> toCreate = new ArrayList<>();
    List<FederationRelationship> toUpdate = new ArrayList<>();
    for (FederationRelationship relationship : declared.values()) {
      FederationRelationship existing = current.get(relationship.getTrustDomain());
      if (existing == null) {
        toCreate.add(relationship);
      } else if (FederationRenderer.outdated(relationship, existing)) {
        toUpdate.add(relationship);
      }
    }
    List<String> toDelete = new ArrayList<>();
    for (String trustDomain : declaredBefore) {
      if (!declared.containsKey(trustDomain) && current.containsKey(trustDomain)) {
        toDelete.add(trustDomain);
      }
    }
    if (!toDelete.isEmpty()) {
      log("deleted", toDelete, client.delete(toDelete));
    }
    if (!toCreate.isEmpty()) {
      log("created", toCreate.stream().map(FederationRelationship::getTrustDomain).toList(), client.create(toCreate));
    }
    if (!toUpdate.isEmpty()) {
      log("updated", toUpdate.stream().map(FederationRelationship::getTrustDomain).toList(), client.update(toUpdate));
    }
    declaredBefore.clear();
    declaredBefore.addAll(declared.keySet());
  }

  private static void log(String verb, List<String> trustDomains, List<Status> statuses) {
    for (int i = 0; i < trustDomains.size(); i++) {
      Status status = i < statuses.size() ? statuses.get(i) : Status.UNKNOWN.withDescription("no result");
      if (status.isOk()) {
        LOG.info("{} federation relationship with {}", verb, trustDomains.get(i));
      } else {
        LOG.error("federation relationship with {} not {}: {} {}", trustDomains.get(i), verb, status.getCode(),
            status.getDescription());
      }
    }
  }
}
