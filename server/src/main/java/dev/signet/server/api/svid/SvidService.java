package dev.signet.server.api.svid;

import dev.signet.common.logging.LogFields;
import dev.signet.ca.x509.ParsedCsr;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.JwtSvid;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.MintJWTSVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.MintJWTSVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.MintX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.MintX509SVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.NewJWTSVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.NewJWTSVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.JWTSVID;
import dev.signet.server.api.ApiErrors;
import dev.signet.server.api.BatchItems;
import dev.signet.server.api.InputValidation;
import dev.signet.server.api.Paging;
import dev.signet.server.api.Unary;
import dev.signet.server.api.convert.EntryConverter;
import dev.signet.server.authz.AuthorizationInterceptor;
import dev.signet.server.ca.IssuedX509Svid;
import dev.signet.server.ca.SvidIssuer;
import dev.signet.server.endpoint.Caller;
import dev.signet.server.entrycache.EntryCache;
import dev.signet.server.ratelimit.PerKeyRateLimiter;
import com.google.protobuf.ByteString;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.DerCodec;
import dev.signet.proto.spire.api.server.svid.v1.NewDownstreamX509CARequest;
import dev.signet.proto.spire.api.server.svid.v1.NewDownstreamX509CAResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.stream.Collectors;

/**
 * {@code spire.api.server.svid.v1.SVID}: SVID issuance. For agents the registration entry decides the
 * ID, DNS names and TTL; the CSR contributes only its public key, and a CSR that asks for anything
 * else (CA rights, other SANs) is refused rather than silently narrowed. Downstream servers of the same trust
 * domain get intermediate CAs ({@link #newDownstreamX509CA}).
 */
public final class SvidService extends SVIDGrpc.SVIDImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(SvidService.class);
  private final TrustDomain trustDomain;
  private final DataStore dataStore;
  private final SvidIssuer issuer;
  private final EntryCache entryCache;
  private final PerKeyRateLimiter signLimiter;
  private final Clock clock;
  private final SvidIssuanceListener issuance;
  private final Supplier<Bundle> ownBundle;

  /**
   * @param signLimiter null when {@code ratelimit.signing} is off
   * @param ownBundle our trust domain's bundle, whose X.509 authorities a downstream server is sent
   */
  public SvidService(TrustDomain trustDomain, DataStore dataStore, SvidIssuer issuer, EntryCache entryCache,
      PerKeyRateLimiter signLimiter, Clock clock, SvidIssuanceListener issuance, Supplier<Bundle> ownBundle) {
    this.issuance = issuance;
    this.ownBundle = ownBundle;
    this.trustDomain = trustDomain;
    this.dataStore = dataStore;
    this.issuer = issuer;
    this.entryCache = entryCache;
    this.signLimiter = signLimiter;
    this.clock = clock;
  }

  @Override
  public void mintX509SVID(MintX509SVIDRequest request, StreamObserver<MintX509SVIDResponse> out) {
    if (request.getCsr().isEmpty()) {
      throw InputValidation.invalid("missing CSR");
    }
    ParsedCsr csr = issuer.parseCsr(request.getCsr().toByteArray());
    if (csr.uriSans().size() != 1) {
      throw InputValidation.invalid("CSR must have exactly one URI SAN, got " + csr.uriSans().size());
    }
    SpiffeId id = InputValidation.inTrustDomain("CSR URI SAN", InputValidation.spiffeId("CSR URI SAN",
        csr.uriSans().get(0)), trustDomain);
    csr.dnsSans().forEach(InputValidation::dnsName);
    IssuedX509Svid svid = issuer.issueX509Svid(csr.publicKey(), id, csr.dnsSans(),
        issuer.x509Ttl(InputValidation.ttlSeconds("ttl", request.getTtl())));
    Unary.reply(out, MintX509SVIDResponse.newBuilder().setSvid(svid.toProto()).build());
  }

  @Override
  public void mintJWTSVID(MintJWTSVIDRequest request, StreamObserver<MintJWTSVIDResponse> out) {
    SpiffeId id = InputValidation.inTrustDomain("id", EntryConverter.fromProto("id", request.getId()), trustDomain);
    List<String> audience = audience(request.getAudienceList());
    JwtSvid svid = issuer.issueJwtSvid(id, audience, issuer.jwtTtl(InputValidation.ttlSeconds("ttl", request.getTtl())));
    Unary.reply(out, MintJWTSVIDResponse.newBuilder().setSvid(toProto(svid)).build());
  }

  @Override
  public void batchNewX509SVID(BatchNewX509SVIDRequest request, StreamObserver<BatchNewX509SVIDResponse> out) {
    Paging.checkBatch("svid params", request.getParamsCount());
    limit(request.getParamsCount());
    Map<String, RegistrationEntry> authorized = authorizedEntries();
    BatchNewX509SVIDResponse.Builder response = BatchNewX509SVIDResponse.newBuilder();
    for (NewX509SVIDParams params : request.getParamsList()) {
      var result = BatchNewX509SVIDResponse.Result.newBuilder();
      result.setStatus(BatchItems.run(SVIDGrpc.getBatchNewX509SVIDMethod(), LogFields.ENTRY_ID, params.getEntryId(),
          () -> {
        // SPIRE's order: both inputs present, then authorization, then the CSR itself.
        if (params.getEntryId().isEmpty()) {
          throw InputValidation.invalid("missing entry ID");
        }
        if (params.getCsr().isEmpty()) {
          throw InputValidation.invalid("missing CSR");
        }
        RegistrationEntry entry = authorizedEntry(authorized, params.getEntryId());
        ParsedCsr csr = issuer.parseCsr(params.getCsr().toByteArray());
        checkCsrAsksOnlyFor(csr, entry);
        IssuedX509Svid svid = issuer.issueX509Svid(csr.publicKey(), entry.spiffeId(), entry.dnsNames(),
            issuer.x509Ttl(entry.x509SvidTtl()));
        result.setSvid(svid.toProto());
        AttestedNode agent = AuthorizationInterceptor.AGENT_NODE.get();
        if (agent != null) {
          issuance.issued(entry.spiffeId(), agent.spiffeId(), svid.leaf().serialNumber(), svid.leaf().notAfter());
        }
      }));
      response.addResults(result);
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void newJWTSVID(NewJWTSVIDRequest request, StreamObserver<NewJWTSVIDResponse> out) {
    limit(1);
    RegistrationEntry entry = authorizedEntry(authorizedEntries(), request.getEntryId());
    List<String> audience = audience(request.getAudienceList());
    JwtSvid svid = issuer.issueJwtSvid(entry.spiffeId(), audience, issuer.jwtTtl(entry.jwtSvidTtl()),
        entry.attributes().jwtSvidIncludeJti());
    Unary.reply(out, NewJWTSVIDResponse.newBuilder().setSvid(toProto(svid)).build());
  }

  /**
   * SPIRE's nested topology: signs the intermediate CA of a downstream server of this trust domain. Security:
   * the caller must present an X509-SVID whose SPIFFE ID is that of a registration entry marked
   * {@code downstream} (the authorization interceptor checks it, and it is checked again here so that this CA is
   * never signed on a path that skipped the interceptor); the CSR only supplies the key and must be properly
   * signed. TTL: the downstream's {@code preferred_ttl}, else our {@code ca_ttl}, never past our active CA.
   */
  @Override
  public void newDownstreamX509CA(NewDownstreamX509CARequest request, StreamObserver<NewDownstreamX509CAResponse> out) {
    SpiffeId downstream = downstreamCaller();
    limit(1);
    if (request.getCsr().isEmpty()) {
      throw InputValidation.invalid("missing CSR");
    }
    if (request.getPreferredTtl() < 0) {
      throw InputValidation.invalid("preferred_ttl " + request.getPreferredTtl() + " is negative");
    }
    ParsedCsr csr = issuer.parseDownstreamCaCsr(request.getCsr().toByteArray(), trustDomain);
    List<X509Certificate> chain = issuer.issueDownstreamCa(csr.publicKey(), Duration.ofSeconds(request.getPreferredTtl()));
    NewDownstreamX509CAResponse.Builder response = NewDownstreamX509CAResponse.newBuilder();
    chain.forEach(c -> response.addCaCertChain(ByteString.copyFrom(DerCodec.encoded(c))));
    ownBundle.get().x509Authorities().forEach(a ->
        response.addX509Authorities(ByteString.copyFrom(DerCodec.encoded(a.certificate()))));
    LOG.info("signed downstream x509 ca for {}: serial {}, valid until {}", downstream,
        chain.getFirst().getSerialNumber().toString(16), chain.getFirst().getNotAfter().toInstant());
    issuance.downstreamCaIssued(downstream, chain.getFirst());
    Unary.reply(out, response.build());
  }

  private SpiffeId downstreamCaller() {
    if (Caller.current() instanceof Caller.X509 x509 && entryCache.index().isDownstream(x509.id())) {
      return x509.id();
    }
    throw Status.PERMISSION_DENIED.withDescription("caller is not a downstream workload").asRuntimeException();
  }

  private void limit(int svids) {
    if (signLimiter != null && svids > signLimiter.burst()) {
      // SPIRE's answer to a request that can never fit in the bucket, whatever the wait.
      throw Status.RESOURCE_EXHAUSTED.withDescription("rate (" + svids + ") exceeds burst size ("
          + signLimiter.burst() + ")").asRuntimeException();
    }
    if (signLimiter != null && !signLimiter.tryAcquire(Caller.peerAddress(), svids)) {
      throw Status.RESOURCE_EXHAUSTED.withDescription("rate (500 SVIDs per second per address) exceeded")
          .asRuntimeException();
    }
  }

  private Map<String, RegistrationEntry> authorizedEntries() {
    AttestedNode node = AuthorizationInterceptor.AGENT_NODE.get();
    var selectors = ApiErrors.call(() -> dataStore.getNodeSelectors(node.spiffeId()));
    return entryCache.index().authorizedFor(node.spiffeId(), selectors, clock.instant()).stream()
        .collect(Collectors.toMap(RegistrationEntry::entryId, Function.identity(), (a, b) -> a));
  }

  private static RegistrationEntry authorizedEntry(Map<String, RegistrationEntry> authorized, String entryId) {
    if (entryId.isEmpty()) {
      throw InputValidation.invalid("missing entry ID");
    }
    RegistrationEntry entry = authorized.get(entryId);
    if (entry == null) {
      throw Status.NOT_FOUND.withDescription("entry not found or not authorized").asRuntimeException();
    }
    return entry;
  }

  /** The entry decides the SVID; a CSR may repeat what the entry says but never ask for more. */
  private static void checkCsrAsksOnlyFor(ParsedCsr csr, RegistrationEntry entry) {
    for (String uri : csr.uriSans()) {
      if (!uri.equals(entry.spiffeId().toString())) {
        throw InputValidation.invalid("CSR asks for URI SAN \"" + uri + "\" but the entry is for \""
            + entry.spiffeId() + "\"");
      }
    }
    for (String dns : csr.dnsSans()) {
      if (!entry.dnsNames().contains(dns)) {
        throw InputValidation.invalid("CSR asks for DNS SAN \"" + dns + "\" that the entry does not grant");
      }
    }
  }

  private static List<String> audience(List<String> audience) {
    if (audience.isEmpty()) {
      throw InputValidation.invalid("at least one audience is required");
    }
    for (String a : audience) {
      if (a.isBlank()) {
        throw InputValidation.invalid("audience must not be empty");
      }
    }
    return List.copyOf(audience);
  }

  private static JWTSVID toProto(JwtSvid svid) {
    return JWTSVID.newBuilder()
        .setToken(svid.token().reveal())
        .setId(EntryConverter.toProto(svid.id()))
        .setExpiresAt(svid.expiresAt().getEpochSecond())
        .setIssuedAt(svid.issuedAt().getEpochSecond())
        .build();
  }

}
