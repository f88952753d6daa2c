package dev.signet.server.api.trustdomain;

import dev.signet.common.logging.LogFields;
import com.google.protobuf.Empty;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.FederationRelationship;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchCreateFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchCreateFederationRelationshipResponse;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchDeleteFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchDeleteFederationRelationshipResponse;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchUpdateFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchUpdateFederationRelationshipResponse;
import dev.signet.proto.spire.api.server.trustdomain.v1.GetFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.ListFederationRelationshipsRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.ListFederationRelationshipsResponse;
import dev.signet.proto.spire.api.server.trustdomain.v1.RefreshBundleRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.TrustDomainGrpc;
import dev.signet.proto.spire.api.types.FederationRelationshipMask;
import dev.signet.server.api.ApiErrors;
import dev.signet.server.api.BatchItems;
import dev.signet.server.api.InputValidation;
import dev.signet.server.api.Paging;
import dev.signet.server.api.Unary;
import dev.signet.server.api.convert.FederationRelationshipConverter;
import dev.signet.server.bundle.TrustBundles;
import dev.signet.server.federation.BundleFetchException;
import dev.signet.server.federation.FederatedBundleRefresher;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code spire.api.server.trustdomain.v1.TrustDomain}: federation relationships (where and how to fetch a
 * foreign trust domain's bundle) for admins, and RefreshBundle to fetch one at once. A relationship created
 * with a {@code trust_domain_bundle} also stores that bundle, which bootstraps {@code https_spiffe}
 * endpoints of the federated domain; deleting a relationship leaves the bundle in place, as SPIRE does.
 */
public final class TrustDomainService extends TrustDomainGrpc.TrustDomainImplBase {
  private final TrustDomain ownDomain;
  private final DataStore dataStore;
  private final TrustBundles bundles;
  private final FederatedBundleRefresher refresher;

  public TrustDomainService(TrustDomain ownDomain, DataStore dataStore, TrustBundles bundles,
      FederatedBundleRefresher refresher) {
    this.ownDomain = ownDomain;
    this.dataStore = dataStore;
    this.bundles = bundles;
    this.refresher = refresher;
  }

  @Override
  public void listFederationRelationships(ListFederationRelationshipsRequest request,
      StreamObserver<ListFederationRelationshipsResponse> out) {
    int pageSize = Paging.pageSize(request.getPageSize());
    FederationRelationshipMask mask = maskOrAll(request.hasOutputMask(), request.getOutputMask());
    String token = Paging.trustDomainAfter(request.getPageToken());
    List<FederationRelationship> after = ApiErrors.call(dataStore::listFederationRelationships).stream()
        .sorted(Comparator.comparing(FederationRelationship::trustDomain))
        .filter(r -> r.trustDomain().compareTo(token) > 0)
        .toList();
    List<FederationRelationship> page = after.subList(0, Math.min(pageSize, after.size()));
    var response = ListFederationRelationshipsResponse.newBuilder();
    page.forEach(r -> response.addFederationRelationships(toProto(r, mask)));
    if (page.size() < after.size()) {
      response.setNextPageToken(page.get(page.size() - 1).trustDomain());
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void getFederationRelationship(GetFederationRelationshipRequest request,
      StreamObserver<dev.signet.proto.spire.api.types.FederationRelationship> out) {
    TrustDomain td = InputValidation.trustDomain("trust_domain", request.getTrustDomain());
    FederationRelationship relationship = ApiErrors.call(() -> dataStore.fetchFederationRelationship(td.name()))
        .orElseThrow(() -> notFound(td.name()));
    Unary.reply(out, toProto(relationship, maskOrAll(request.hasOutputMask(), request.getOutputMask())));
  }

  @Override
  public void batchCreateFederationRelationship(BatchCreateFederationRelationshipRequest request,
      StreamObserver<BatchCreateFederationRelationshipResponse> out) {
    Paging.checkBatch("federation relationships", request.getFederationRelationshipsCount());
    FederationRelationshipMask mask = maskOrAll(request.hasOutputMask(), request.getOutputMask());
    var response = BatchCreateFederationRelationshipResponse.newBuilder();
    for (var proto : request.getFederationRelationshipsList()) {
      var result = BatchCreateFederationRelationshipResponse.Result.newBuilder();
      result.setStatus(BatchItems.run(TrustDomainGrpc.getBatchCreateFederationRelationshipMethod(),
          LogFields.TRUST_DOMAIN, proto.getTrustDomain(), () -> {
        FederationRelationship relationship = FederationRelationshipConverter.fromProto(proto, ownDomain);
        Optional<Bundle> bundle = FederationRelationshipConverter.bundleOf(proto);
        FederationRelationship created = ApiErrors.call(() -> dataStore.createFederationRelationship(relationship));
        bundle.ifPresent(this::storeBundle);
        result.setFederationRelationship(toProto(created, mask));
      }));
      response.addResults(result);
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void batchUpdateFederationRelationship(BatchUpdateFederationRelationshipRequest request,
      StreamObserver<BatchUpdateFederationRelationshipResponse> out) {
    Paging.checkBatch("federation relationships", request.getFederationRelationshipsCount());
    FederationRelationshipMask inputMask = maskOrAll(request.hasInputMask(), request.getInputMask());
    FederationRelationshipMask outputMask = maskOrAll(request.hasOutputMask(), request.getOutputMask());
    var response = BatchUpdateFederationRelationshipResponse.newBuilder();
    for (var proto : request.getFederationRelationshipsList()) {
      var result = BatchUpdateFederationRelationshipResponse.Result.newBuilder();
      result.setStatus(BatchItems.run(TrustDomainGrpc.getBatchUpdateFederationRelationshipMethod(),
          LogFields.TRUST_DOMAIN, proto.getTrustDomain(),
          () -> result.setFederationRelationship(toProto(update(proto, inputMask), outputMask))));
      response.addResults(result);
    }
    Unary.reply(out, response.build());
  }

  private FederationRelationship update(dev.signet.proto.spire.api.types.FederationRelationship proto,
      FederationRelationshipMask inputMask) {
    TrustDomain td = InputValidation.trustDomain("trust_domain", proto.getTrustDomain());
    FederationRelationship current = ApiErrors.call(() -> dataStore.fetchFederationRelationship(td.name()))
        .orElseThrow(() -> notFound(td.name()));
    // Fill the fields the mask leaves out from what is stored, then validate the result as a whole.
    var merged = toProto(current, FederationRelationshipConverter.ALL_FIELDS).toBuilder().clearTrustDomainBundle();
    if (inputMask.getBundleEndpointUrl()) {
      merged.setBundleEndpointUrl(proto.getBundleEndpointUrl());
    }
    if (inputMask.getBundleEndpointProfile()) {
      merged.clearBundleEndpointProfile();
      switch (proto.getBundleEndpointProfileCase()) {
        case HTTPS_WEB -> merged.setHttpsWeb(proto.getHttpsWeb());
        case HTTPS_SPIFFE -> merged.setHttpsSpiffe(proto.getHttpsSpiffe());
        case BUNDLEENDPOINTPROFILE_NOT_SET -> { }
      }
    }
    FederationRelationship next = FederationRelationshipConverter.fromProto(merged.build(), ownDomain);
    Optional<Bundle> bundle = inputMask.getTrustDomainBundle()
        ? FederationRelationshipConverter.bundleOf(proto) : Optional.empty();
    FederationRelationship stored = ApiErrors.call(() -> dataStore.updateFederationRelationship(next));
    bundle.ifPresent(this::storeBundle);
    return stored;
  }

  @Override
  public void batchDeleteFederationRelationship(BatchDeleteFederationRelationshipRequest request,
      StreamObserver<BatchDeleteFederationRelationshipResponse> out) {
    Paging.checkBatch("trust domains", request.getTrustDomainsCount());
    var response = BatchDeleteFederationRelationshipResponse.newBuilder();
    for (String name : request.getTrustDomainsList()) {
      var result = BatchDeleteFederationRelationshipResponse.Result.newBuilder().setTrustDomain(name);
      result.setStatus(BatchItems.run(TrustDomainGrpc.getBatchDeleteFederationRelationshipMethod(),
          LogFields.TRUST_DOMAIN, name, () -> {
        TrustDomain td = InputValidation.trustDomain("trust_domain", name);
        dataStore.deleteFederationRelationship(td.name());
        refresher.forget(td.name());
      }));
      response.addResults(result);
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void refreshBundle(RefreshBundleRequest request, StreamObserver<Empty> out) {
    TrustDomain td = InputValidation.trustDomain("trust_domain", request.getTrustDomain());
    ApiErrors.call(() -> {
      try {
        return refresher.refresh(td);
      } catch (BundleFetchException e) {
        throw Status.UNAVAILABLE.withDescription("bundle of \"" + td + "\" not refreshed: " + e.getMessage())
            .withCause(e).asRuntimeException();
      }
    });
    Unary.reply(out, Empty.getDefaultInstance());
  }

  private void storeBundle(Bundle bundle) {
    ApiErrors.call(() -> bundles.update(bundle.trustDomain(), current -> new Bundle(bundle.trustDomain(),
        bundle.x509Authorities(), bundle.jwtAuthorities(), current.sequenceNumber(), bundle.refreshHint())));
  }

  private dev.signet.proto.spire.api.types.FederationRelationship toProto(FederationRelationship relationship,
      FederationRelationshipMask mask) {
    Optional<Bundle> bundle = mask.getTrustDomainBundle()
        ? bundles.bundleFor(TrustDomain.parse(relationship.trustDomain())) : Optional.empty();
    return FederationRelationshipConverter.toProto(relationship, bundle, mask);
  }

  private static FederationRelationshipMask maskOrAll(boolean present, FederationRelationshipMask mask) {
    return present ? mask : FederationRelationshipConverter.ALL_FIELDS;
  }

  private static StatusRuntimeException notFound(String trustDomain) {
    return Status.NOT_FOUND.withDescription("federation relationship with \"" + trustDomain + "\" not found")
        .asRuntimeException();
  }
}
