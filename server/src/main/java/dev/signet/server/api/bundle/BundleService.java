package dev.signet.server.api.bundle;

import dev.signet.common.logging.LogFields;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.bundle.X509Authority;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DeleteMode;
import dev.signet.proto.spire.api.server.bundle.v1.AppendBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchCreateFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchCreateFederatedBundleResponse;
import dev.signet.proto.spire.api.server.bundle.v1.BatchDeleteFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchDeleteFederatedBundleResponse;
import dev.signet.proto.spire.api.server.bundle.v1.BatchSetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchSetFederatedBundleResponse;
import dev.signet.proto.spire.api.server.bundle.v1.BatchUpdateFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchUpdateFederatedBundleResponse;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.CountBundlesRequest;
import dev.signet.proto.spire.api.server.bundle.v1.CountBundlesResponse;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.GetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.ListFederatedBundlesRequest;
import dev.signet.proto.spire.api.server.bundle.v1.ListFederatedBundlesResponse;
import dev.signet.server.api.ApiErrors;
import dev.signet.server.api.BatchItems;
import dev.signet.server.api.InputValidation;
import dev.signet.server.api.Paging;
import dev.signet.common.proto.BundleProtos;
import dev.signet.server.api.Unary;
import dev.signet.server.bundle.TrustBundles;
import dev.signet.server.entrycache.EntryCache;
import dev.signet.ca.CaException;
import dev.signet.proto.spire.api.server.bundle.v1.PublishJWTAuthorityRequest;
import dev.signet.proto.spire.api.server.bundle.v1.PublishJWTAuthorityResponse;
import dev.signet.server.api.localauthority.LocalAuthorityService;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Function;

/**
 * {@code spire.api.server.bundle.v1.Bundle}: our own trust bundle (anyone may read it; admins may
 * append authorities), downstream servers' JWT keys, and federated bundles (CRUD for admins, read for agents).
 */
public final class BundleService extends BundleGrpc.BundleImplBase {
  private final TrustDomain ownDomain;
  private final TrustBundles bundles;
  private final DataStore dataStore;
  private final EntryCache entryCache;
  private final Function<JwtAuthority, List<JwtAuthority>> jwtPublisher;

  /**
   * @param jwtPublisher takes a downstream server's JWT key into our bundle (and to our own upstream, if any) and
   *     returns the JWT authorities to answer with ({@code CaManager::publishJwtAuthority})
   */
  public BundleService(TrustDomain ownDomain, TrustBundles bundles, DataStore dataStore, EntryCache entryCache,
      Function<JwtAuthority, List<JwtAuthority>> jwtPublisher) {
    this.jwtPublisher = jwtPublisher;
    this.ownDomain = ownDomain;
    this.bundles = bundles;
    this.dataStore = dataStore;
    this.entryCache = entryCache;
  }

  @Override
  public void getBundle(GetBundleRequest request, StreamObserver<dev.signet.proto.spire.api.types.Bundle> out) {
    Bundle own = bundles.own();
    if (own.isEmpty()) {
      throw Status.NOT_FOUND.withDescription("bundle not found").asRuntimeException();
    }
    Unary.reply(out, BundleProtos.toProto(own));
  }

  @Override
  public void appendBundle(AppendBundleRequest request, StreamObserver<dev.signet.proto.spire.api.types.Bundle> out) {
    Bundle additions = InputValidation.bundle(dev.signet.proto.spire.api.types.Bundle.newBuilder()
        .setTrustDomain(ownDomain.name())
        .addAllX509Authorities(request.getX509AuthoritiesList())
        .addAllJwtAuthorities(request.getJwtAuthoritiesList())
        .build());
    Bundle updated = ApiErrors.call(() -> bundles.updateOwn(current -> {
      Bundle next = current;
      for (X509Authority authority : additions.x509Authorities()) {
        next = next.withX509Authority(authority);
      }
      for (JwtAuthority authority : additions.jwtAuthorities()) {
        next = next.withJwtAuthority(authority);
      }
      return next;
    }));
    Unary.reply(out, BundleProtos.toProto(updated));
  }

  /**
   * SPIRE's nested topology: a downstream server of this trust domain publishes its JWT key so that JWT-SVIDs it
   * signs verify everywhere in the trust domain. Only callers with a downstream entry's X509-SVID get here
   * ({@code MethodPolicy}); a key that does not parse (no key ID, not a PKIX EC or RSA key) or that reuses the
   * key ID of a different key is INVALID_ARGUMENT.
   */
  @Override
  public void publishJWTAuthority(PublishJWTAuthorityRequest request, StreamObserver<PublishJWTAuthorityResponse> out) {
    if (!request.hasJwtAuthority()) {
      throw InputValidation.invalid("missing JWT authority");
    }
    JwtAuthority key;
    try {
      key = BundleProtos.fromProto(dev.signet.proto.spire.api.types.Bundle.newBuilder()
          .setTrustDomain(ownDomain.name()).addJwtAuthorities(request.getJwtAuthority()).build())
          .jwtAuthorities().getFirst();
    } catch (IllegalArgumentException e) { // ProtoConversionException included
      throw InputValidation.invalid("invalid JWT authority: " + e.getMessage());
    }
    List<JwtAuthority> keys;
    try {
      keys = ApiErrors.call(() -> jwtPublisher.apply(key));
    } catch (IllegalArgumentException e) {
      throw InputValidation.invalid("invalid JWT authority: " + e.getMessage());
    } catch (CaException e) {
      throw LocalAuthorityService.statusOf(e);
    }
    var asProto = BundleProtos.toProto(new Bundle(ownDomain, List.of(), keys, 0, java.time.Duration.ZERO));
    Unary.reply(out, PublishJWTAuthorityResponse.newBuilder()
        .addAllJwtAuthorities(asProto.getJwtAuthoritiesList()).build());
  }

  @Override
  public void countBundles(CountBundlesRequest request, StreamObserver<CountBundlesResponse> out) {
    int count = ApiErrors.call(() -> dataStore.listBundles().size());
    Unary.reply(out, CountBundlesResponse.newBuilder().setCount(count).build());
  }

  @Override
  public void listFederatedBundles(ListFederatedBundlesRequest request, StreamObserver<ListFederatedBundlesResponse> out) {
    int pageSize = Paging.pageSize(request.getPageSize());
    String after = Paging.trustDomainAfter(request.getPageToken());
    List<Bundle> federated = bundles.federated().stream()
        .sorted((a, b) -> a.trustDomain().name().compareTo(b.trustDomain().name()))
        .filter(b -> b.trustDomain().name().compareTo(after) > 0)
        .toList();
    List<Bundle> page = federated.subList(0, Math.min(pageSize, federated.size()));
    ListFederatedBundlesResponse.Builder response = ListFederatedBundlesResponse.newBuilder();
    page.forEach(b -> response.addBundles(BundleProtos.toProto(b)));
    if (page.size() < federated.size()) {
      response.setNextPageToken(page.get(page.size() - 1).trustDomain().name());
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void getFederatedBundle(GetFederatedBundleRequest request, StreamObserver<dev.signet.proto.spire.api.types.Bundle> out) {
    TrustDomain td = federatedDomain(request.getTrustDomain());
    Bundle bundle = bundles.bundleFor(td).orElseThrow(() ->
        Status.NOT_FOUND.withDescription("bundle for \"" + td + "\" not found").asRuntimeException());
    Unary.reply(out, BundleProtos.toProto(bundle));
  }

  @Override
  public void batchCreateFederatedBundle(BatchCreateFederatedBundleRequest request,
      StreamObserver<BatchCreateFederatedBundleResponse> out) {
    Paging.checkBatch("bundles", request.getBundleCount());
    var response = BatchCreateFederatedBundleResponse.newBuilder();
    for (var proto : request.getBundleList()) {
      var result = BatchCreateFederatedBundleResponse.Result.newBuilder();
      result.setStatus(BatchItems.run(BundleGrpc.getBatchCreateFederatedBundleMethod(), LogFields.TRUST_DOMAIN,
          proto.getTrustDomain(), () -> {
        Bundle bundle = federatedBundle(proto);
        ApiErrors.call(() -> dataStore.createBundle(TrustBundles.encode(bundle)));
        bundles.reload();
        result.setBundle(BundleProtos.toProto(bundle));
      }));
      response.addResults(result);
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void batchUpdateFederatedBundle(BatchUpdateFederatedBundleRequest request,
      StreamObserver<BatchUpdateFederatedBundleResponse> out) {
    Paging.checkBatch("bundles", request.getBundleCount());
    var response = BatchUpdateFederatedBundleResponse.newBuilder();
    for (var proto : request.getBundleList()) {
      var result = BatchUpdateFederatedBundleResponse.Result.newBuilder();
      result.setStatus(BatchItems.run(BundleGrpc.getBatchUpdateFederatedBundleMethod(), LogFields.TRUST_DOMAIN,
          proto.getTrustDomain(), () -> {
        Bundle bundle = federatedBundle(proto);
        if (bundles.bundleFor(bundle.trustDomain()).isEmpty()) {
          throw Status.NOT_FOUND.withDescription("bundle for \"" + bundle.trustDomain() + "\" not found").asRuntimeException();
        }
        result.setBundle(BundleProtos.toProto(replace(bundle)));
      }));
      response.addResults(result);
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void batchSetFederatedBundle(BatchSetFederatedBundleRequest request,
      StreamObserver<BatchSetFederatedBundleResponse> out) {
    Paging.checkBatch("bundles", request.getBundleCount());
    var response = BatchSetFederatedBundleResponse.newBuilder();
    for (var proto : request.getBundleList()) {
      var result = BatchSetFederatedBundleResponse.Result.newBuilder();
      result.setStatus(BatchItems.run(BundleGrpc.getBatchSetFederatedBundleMethod(), LogFields.TRUST_DOMAIN,
          proto.getTrustDomain(), () -> result.setBundle(BundleProtos.toProto(replace(federatedBundle(proto))))));
      response.addResults(result);
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void batchDeleteFederatedBundle(BatchDeleteFederatedBundleRequest request,
      StreamObserver<BatchDeleteFederatedBundleResponse> out) {
    Paging.checkBatch("trust domains", request.getTrustDomainsCount());
    DeleteMode mode = switch (request.getMode()) {
      case RESTRICT -> DeleteMode.RESTRICT;
      case DELETE -> DeleteMode.DELETE;
      case DISSOCIATE -> DeleteMode.DISSOCIATE;
      case UNRECOGNIZED -> throw InputValidation.invalid("unknown delete mode");
    };
    var response = BatchDeleteFederatedBundleResponse.newBuilder();
    for (String name : request.getTrustDomainsList()) {
      var result = BatchDeleteFederatedBundleResponse.Result.newBuilder().setTrustDomain(name);
      result.setStatus(BatchItems.run(BundleGrpc.getBatchDeleteFederatedBundleMethod(), LogFields.TRUST_DOMAIN, name,
          () -> dataStore.deleteBundle(federatedDomain(name).name(), mode)));
      response.addResults(result);
    }
    bundles.reload();
    entryCache.refresh();
    Unary.reply(out, response.build());
  }

  /** Stores an administrator's federated bundle as given, sequence number included, as SPIRE does. */
  private Bundle replace(Bundle bundle) {
    return ApiErrors.call(() -> bundles.replace(bundle));
  }

  private Bundle federatedBundle(dev.signet.proto.spire.api.types.Bundle proto) {
    Bundle bundle = InputValidation.bundle(proto);
    if (bundle.trustDomain().equals(ownDomain)) {
      throw InputValidation.invalid("bundle \"" + ownDomain + "\" is the server's own trust domain; use AppendBundle");
    }
    if (bundle.x509Authorities().isEmpty()) {
      throw InputValidation.invalid("bundle \"" + bundle.trustDomain() + "\" has no x509 authorities");
    }
    return bundle;
  }

  private TrustDomain federatedDomain(String name) {
    TrustDomain td = InputValidation.trustDomain("trust_domain", name);
    if (td.equals(ownDomain)) {
      throw InputValidation.invalid("\"" + name + "\" is the server's own trust domain, not a federated one");
    }
    return td;
  }
}
