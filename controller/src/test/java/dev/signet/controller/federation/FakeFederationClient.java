package dev.signet.controller.federation;

import dev.signet.proto.spire.api.types.FederationRelationship;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Federation relationships by trust domain, with the server's batch answers; thread-safe (tests read it while the
 * reconcile thread writes).
 */
public final class FakeFederationClient implements FederationClient {
  public final Map<String, FederationRelationship> relationships = Collections.synchronizedMap(new LinkedHashMap<>());
  public volatile int updates;

  @Override
  public synchronized List<FederationRelationship> list() {
    return List.copyOf(relationships.values());
  }

  @Override
  public synchronized List<Status> create(List<FederationRelationship> items) {
    List<Status> out = new ArrayList<>();
    for (FederationRelationship item : items) {
      out.add(relationships.putIfAbsent(item.getTrustDomain(), item) == null ? Status.OK : Status.ALREADY_EXISTS);
    }
    return out;
  }

  @Override
  public synchronized List<Status> update(List<FederationRelationship> items) {
    List<Status> out = new ArrayList<>();
    for (FederationRelationship item : items) {
      updates++;
      out.add(relationships.replace(item.getTrustDomain(), item) == null ? Status.NOT_FOUND : Status.OK);
    }
    return out;
  }

  @Override
  public synchronized List<Status> delete(List<String> trustDomains) {
    return trustDomains.stream().map(td -> relationships.remove(td) == null ? Status.NOT_FOUND : Status.OK).toList();
  }
}
