package dev.signet.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.Type;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the wire facts of the generated stubs to the public SPIRE / SPIFFE definitions
 * (spire-api-sdk v1.15 and the SPIFFE workload.proto): full service names, the RPC set,
 * streaming modes and the field number, type and label of the messages that the agent and
 * server exchange. Any drift here breaks interoperability with real SPIRE peers.
 */
class WireContractTest {

  /** Every SPIRE / SPIFFE service Signet serves or calls, keyed by full gRPC name. */
  static Map<String, ServiceDescriptor> spireServices() {
    Map<String, ServiceDescriptor> m = new LinkedHashMap<>();
    for (ServiceDescriptor s : List.of(
        dev.signet.proto.spire.api.server.agent.v1.AgentGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.api.server.entry.v1.EntryGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.api.server.trustdomain.v1.TrustDomainGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.api.server.localauthority.v1.LocalAuthorityGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.api.server.logger.v1.LoggerGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.api.server.debug.v1.DebugGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.api.agent.delegatedidentity.v1.DelegatedIdentityGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.api.agent.logger.v1.LoggerGrpc.getServiceDescriptor(),
        dev.signet.proto.spire.agent.debug.v1.DebugGrpc.getServiceDescriptor(),
        dev.signet.proto.workload.SpiffeWorkloadAPIGrpc.getServiceDescriptor())) {
      m.put(s.getName(), s);
    }
    return m;
  }

  @Test
  void fullServiceNamesMatchSpire() {
    assertThat(spireServices().keySet()).containsExactly(
        "spire.api.server.agent.v1.Agent",
        "spire.api.server.bundle.v1.Bundle",
        "spire.api.server.entry.v1.Entry",
        "spire.api.server.svid.v1.SVID",
        "spire.api.server.trustdomain.v1.TrustDomain",
        "spire.api.server.localauthority.v1.LocalAuthority",
        "spire.api.server.logger.v1.Logger",
        "spire.api.server.debug.v1.Debug",
        "spire.api.agent.delegatedidentity.v1.DelegatedIdentity",
        "spire.api.agent.logger.v1.Logger",
        "spire.agent.debug.v1.Debug",
        "SpiffeWorkloadAPI");
  }

  @Test
  void rpcSetPerServiceAndTotal() {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    expected.put("spire.api.server.agent.v1.Agent", List.of("CountAgents", "ListAgents", "GetAgent",
        "DeleteAgent", "BanAgent", "AttestAgent", "RenewAgent", "CreateJoinToken", "PostStatus"));
    expected.put("spire.api.server.bundle.v1.Bundle", List.of("CountBundles", "GetBundle",
        "AppendBundle", "PublishJWTAuthority", "PublishWITAuthority", "ListFederatedBundles",
        "GetFederatedBundle", "BatchCreateFederatedBundle", "BatchUpdateFederatedBundle",
        "BatchSetFederatedBundle", "BatchDeleteFederatedBundle"));
    expected.put("spire.api.server.entry.v1.Entry", List.of("CountEntries", "ListEntries", "GetEntry",
        "BatchCreateEntry", "BatchUpdateEntry", "BatchDeleteEntry", "GetAuthorizedEntries",
        "SyncAuthorizedEntries"));
    expected.put("spire.api.server.svid.v1.SVID", List.of("MintX509SVID", "MintJWTSVID",
        "BatchNewX509SVID", "NewJWTSVID", "NewDownstreamX509CA", "MintWITSVID", "BatchNewWITSVID"));
    expected.put("spire.api.server.trustdomain.v1.TrustDomain", List.of("ListFederationRelationships",
        "GetFederationRelationship", "BatchCreateFederationRelationship",
        "BatchUpdateFederationRelationship", "BatchDeleteFederationRelationship", "RefreshBundle"));
    expected.put("spire.api.server.localauthority.v1.LocalAuthority", List.of(
        "GetJWTAuthorityState", "PrepareJWTAuthority", "ActivateJWTAuthority", "TaintJWTAuthority",
        "RevokeJWTAuthority", "GetX509AuthorityState", "PrepareX509Authority",
        "ActivateX509Authority", "TaintX509Authority", "TaintX509UpstreamAuthority",
        "RevokeX509Authority", "RevokeX509UpstreamAuthority", "GetWITAuthorityState",
        "PrepareWITAuthority", "ActivateWITAuthority", "TaintWITAuthority", "RevokeWITAuthority"));
    expected.put("spire.api.server.logger.v1.Logger", List.of("GetLogger", "SetLogLevel", "ResetLogLevel"));
    expected.put("spire.api.server.debug.v1.Debug", List.of("GetInfo"));
    expected.put("spire.api.agent.delegatedidentity.v1.DelegatedIdentity", List.of(
        "SubscribeToX509SVIDs", "SubscribeToX509Bundles", "FetchJWTSVIDs", "SubscribeToJWTBundles"));
    expected.put("spire.api.agent.logger.v1.Logger", List.of("GetLogger", "SetLogLevel", "ResetLogLevel"));
    expected.put("spire.agent.debug.v1.Debug", List.of("GetInfo"));
    expected.put("SpiffeWorkloadAPI", List.of("FetchX509SVID", "FetchX509Bundles", "FetchJWTSVID",
        "FetchJWTBundles", "ValidateJWTSVID", "FetchWITSVID", "FetchWITBundles"));

    Map<String, ServiceDescriptor> services = spireServices();
    int total = 0;
    for (var e : expected.entrySet()) {
      ServiceDescriptor s = services.get(e.getKey());
      List<String> names = s.getMethods().stream()
          .map(m -> m.getFullMethodName().substring(e.getKey().length() + 1))
          .toList();
      assertThat(names).as(e.getKey()).containsExactlyInAnyOrderElementsOf(e.getValue());
      total += s.getMethods().size();
    }
    assertThat(total).isEqualTo(77);
  }

  static Stream<Arguments> streamingModes() {
    return Stream.of(
        Arguments.of("spire.api.server.agent.v1.Agent/AttestAgent", MethodType.BIDI_STREAMING),
        Arguments.of("spire.api.server.entry.v1.Entry/SyncAuthorizedEntries", MethodType.BIDI_STREAMING),
        Arguments.of("spire.api.server.entry.v1.Entry/GetAuthorizedEntries", MethodType.UNARY),
        Arguments.of("spire.api.server.svid.v1.SVID/BatchNewX509SVID", MethodType.UNARY),
        Arguments.of("spire.api.server.bundle.v1.Bundle/GetBundle", MethodType.UNARY),
        Arguments.of("SpiffeWorkloadAPI/FetchX509SVID", MethodType.SERVER_STREAMING),
        Arguments.of("SpiffeWorkloadAPI/FetchX509Bundles", MethodType.SERVER_STREAMING),
        Arguments.of("SpiffeWorkloadAPI/FetchJWTSVID", MethodType.UNARY),
        Arguments.of("SpiffeWorkloadAPI/FetchJWTBundles", MethodType.SERVER_STREAMING),
        Arguments.of("SpiffeWorkloadAPI/ValidateJWTSVID", MethodType.UNARY),
        Arguments.of("SpiffeWorkloadAPI/FetchWITSVID", MethodType.SERVER_STREAMING),
        Arguments.of("SpiffeWorkloadAPI/FetchWITBundles", MethodType.SERVER_STREAMING),
        Arguments.of("spire.api.agent.delegatedidentity.v1.DelegatedIdentity/SubscribeToX509SVIDs",
            MethodType.SERVER_STREAMING),
        Arguments.of("spire.api.agent.delegatedidentity.v1.DelegatedIdentity/FetchJWTSVIDs",
            MethodType.UNARY));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("streamingModes")
  void streamingMode(String fullMethod, MethodType type) {
    String service = fullMethod.substring(0, fullMethod.indexOf('/'));
    var method = spireServices().get(service).getMethods().stream()
        .filter(m -> m.getFullMethodName().equals(fullMethod))
        .findFirst().orElseThrow();
    assertThat(method.getType()).isEqualTo(type);
  }

  /** A field expectation: message, field name, number, wire type, repeated? and message type name. */
  record F(Descriptor msg, String name, int number, Type type, boolean repeated, String typeName) {}

  private static F f(Descriptor d, String name, int n, Type t) {
    return new F(d, name, n, t, false, null);
  }

  private static F rep(Descriptor d, String name, int n, Type t) {
    return new F(d, name, n, t, true, null);
  }

  private static F msg(Descriptor d, String name, int n, String typeName, boolean repeated) {
    return new F(d, name, n, Type.MESSAGE, repeated, typeName);
  }

  static Stream<F> fields() {
    Descriptor entry = dev.signet.proto.spire.api.types.Entry.getDescriptor();
    Descriptor agent = dev.signet.proto.spire.api.types.Agent.getDescriptor();
    Descriptor attReq = dev.signet.proto.spire.api.server.agent.v1.AttestAgentRequest.getDescriptor();
    Descriptor attParams = dev.signet.proto.spire.api.server.agent.v1.AttestAgentRequest.Params.getDescriptor();
    Descriptor attResp = dev.signet.proto.spire.api.server.agent.v1.AttestAgentResponse.getDescriptor();
    Descriptor attResult = dev.signet.proto.spire.api.server.agent.v1.AttestAgentResponse.Result.getDescriptor();
    Descriptor batchReq = dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest.getDescriptor();
    Descriptor newParams = dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams.getDescriptor();
    Descriptor x509 = dev.signet.proto.spire.api.types.X509SVID.getDescriptor();
    Descriptor jwt = dev.signet.proto.spire.api.types.JWTSVID.getDescriptor();
    Descriptor bundle = dev.signet.proto.spire.api.types.Bundle.getDescriptor();
    Descriptor syncResp = dev.signet.proto.spire.api.server.entry.v1.SyncAuthorizedEntriesResponse.getDescriptor();
    Descriptor listFilter = dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest.Filter.getDescriptor();
    Descriptor wlResp = dev.signet.proto.workload.X509SVIDResponse.getDescriptor();
    Descriptor wlSvid = dev.signet.proto.workload.X509SVID.getDescriptor();
    Descriptor wlJwt = dev.signet.proto.workload.JWTSVID.getDescriptor();
    Descriptor wlValidate = dev.signet.proto.workload.ValidateJWTSVIDResponse.getDescriptor();
    return Stream.of(
        f(entry, "id", 1, Type.STRING),
        msg(entry, "spiffe_id", 2, "spire.api.types.SPIFFEID", false),
        msg(entry, "parent_id", 3, "spire.api.types.SPIFFEID", false),
        msg(entry, "selectors", 4, "spire.api.types.Selector", true),
        f(entry, "x509_svid_ttl", 5, Type.INT32),
        rep(entry, "federates_with", 6, Type.STRING),
        f(entry, "admin", 7, Type.BOOL),
        f(entry, "downstream", 8, Type.BOOL),
        f(entry, "expires_at", 9, Type.INT64),
        rep(entry, "dns_names", 10, Type.STRING),
        f(entry, "revision_number", 11, Type.INT64),
        f(entry, "store_svid", 12, Type.BOOL),
        f(entry, "jwt_svid_ttl", 13, Type.INT32),
        f(entry, "hint", 14, Type.STRING),
        f(entry, "created_at", 15, Type.INT64),
        msg(entry, "additional_attributes", 16, "spire.api.types.Entry.AdditionalAttributes", false),
        msg(agent, "id", 1, "spire.api.types.SPIFFEID", false),
        f(agent, "attestation_type", 2, Type.STRING),
        f(agent, "x509svid_serial_number", 3, Type.STRING),
        f(agent, "x509svid_expires_at", 4, Type.INT64),
        msg(agent, "selectors", 5, "spire.api.types.Selector", true),
        f(agent, "banned", 6, Type.BOOL),
        f(agent, "can_reattest", 7, Type.BOOL),
        msg(attReq, "params", 1, "spire.api.server.agent.v1.AttestAgentRequest.Params", false),
        f(attReq, "challenge_response", 2, Type.BYTES),
        msg(attParams, "data", 1, "spire.api.types.AttestationData", false),
        msg(attParams, "params", 2, "spire.api.server.agent.v1.AgentX509SVIDParams", false),
        msg(attResp, "result", 1, "spire.api.server.agent.v1.AttestAgentResponse.Result", false),
        f(attResp, "challenge", 2, Type.BYTES),
        msg(attResult, "svid", 1, "spire.api.types.X509SVID", false),
        f(attResult, "reattestable", 2, Type.BOOL),
        msg(batchReq, "params", 1, "spire.api.server.svid.v1.NewX509SVIDParams", true),
        f(newParams, "entry_id", 1, Type.STRING),
        f(newParams, "csr", 2, Type.BYTES),
        rep(x509, "cert_chain", 1, Type.BYTES),
        msg(x509, "id", 2, "spire.api.types.SPIFFEID", false),
        f(x509, "expires_at", 3, Type.INT64),
        f(x509, "hint", 4, Type.STRING),
        f(jwt, "token", 1, Type.STRING),
        msg(jwt, "id", 2, "spire.api.types.SPIFFEID", false),
        f(jwt, "expires_at", 3, Type.INT64),
        f(jwt, "issued_at", 4, Type.INT64),
        f(jwt, "hint", 5, Type.STRING),
        f(bundle, "trust_domain", 1, Type.STRING),
        msg(bundle, "x509_authorities", 2, "spire.api.types.X509Certificate", true),
        msg(bundle, "jwt_authorities", 3, "spire.api.types.JWTKey", true),
        f(bundle, "refresh_hint", 4, Type.INT64),
        f(bundle, "sequence_number", 5, Type.UINT64),
        msg(syncResp, "entry_revisions", 1, "spire.api.server.entry.v1.EntryRevision", true),
        msg(syncResp, "entries", 2, "spire.api.types.Entry", true),
        f(syncResp, "more", 3, Type.BOOL),
        msg(listFilter, "by_hint", 5, "google.protobuf.StringValue", false),
        msg(listFilter, "by_downstream", 6, "google.protobuf.BoolValue", false),
        msg(wlResp, "svids", 1, "X509SVID", true),
        rep(wlResp, "crl", 2, Type.BYTES),
        msg(wlResp, "federated_bundles", 3, "X509SVIDResponse.FederatedBundlesEntry", true),
        f(wlSvid, "spiffe_id", 1, Type.STRING),
        f(wlSvid, "x509_svid", 2, Type.BYTES),
        f(wlSvid, "x509_svid_key", 3, Type.BYTES),
        f(wlSvid, "bundle", 4, Type.BYTES),
        f(wlSvid, "hint", 5, Type.STRING),
        f(wlJwt, "spiffe_id", 1, Type.STRING),
        f(wlJwt, "svid", 2, Type.STRING),
        f(wlJwt, "hint", 3, Type.STRING),
        msg(wlValidate, "claims", 2, "google.protobuf.Struct", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void fieldMatchesPublicDefinition(F e) {
    FieldDescriptor fd = e.msg().findFieldByName(e.name());
    assertThat(fd).as("%s.%s exists", e.msg().getFullName(), e.name()).isNotNull();
    assertThat(fd.getNumber()).as("number of %s", fd.getFullName()).isEqualTo(e.number());
    assertThat(fd.getType()).as("type of %s", fd.getFullName()).isEqualTo(e.type());
    assertThat(fd.isRepeated()).as("repeated %s", fd.getFullName()).isEqualTo(e.repeated());
    if (e.typeName() != null) {
      assertThat(fd.getMessageType().getFullName()).isEqualTo(e.typeName());
    }
  }

  @Test
  void oneofsAndOptionalsAsUpstream() {
    var attReq = dev.signet.proto.spire.api.server.agent.v1.AttestAgentRequest.getDescriptor();
    assertThat(attReq.getOneofs()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("step"));
    var rel = dev.signet.proto.spire.api.types.FederationRelationship.getDescriptor();
    assertThat(rel.getRealOneofs()).singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo("bundle_endpoint_profile"));
    var attrs = dev.signet.proto.spire.api.types.Entry.getDescriptor()
        .findFieldByName("additional_attributes");
    assertThat(attrs.hasPresence()).isTrue();
    assertThat(attrs.getRealContainingOneof()).isNull();
  }

  @Test
  void workloadApiHasNoPackage() {
    assertThat(dev.signet.proto.workload.WorkloadProto.getDescriptor().getPackage()).isEmpty();
    assertThat(dev.signet.proto.workload.X509SVID.getDescriptor().getFullName()).isEqualTo("X509SVID");
  }

  @Test
  void pushExtensionLivesInItsOwnPackage() {
    ServiceDescriptor push = dev.signet.proto.signet.agent.push.v1.EntryPushGrpc.getServiceDescriptor();
    assertThat(push.getName()).isEqualTo("signet.agent.push.v1.EntryPush");
    var watch = dev.signet.proto.signet.agent.push.v1.EntryPushGrpc.getWatchMethod();
    assertThat(watch.getType()).isEqualTo(MethodType.SERVER_STREAMING);
    Descriptor ev = dev.signet.proto.signet.agent.push.v1.WatchEvent.getDescriptor();
    assertThat(ev.findFieldByNumber(1).getType()).isEqualTo(Type.INT64);
    assertThat(ev.findFieldByNumber(2).getName()).isEqualTo("entries_changed");
    assertThat(ev.findFieldByNumber(3).getName()).isEqualTo("bundle_changed");
    assertThat(dev.signet.proto.signet.agent.push.v1.WatchRequest.getDescriptor().getFields()).isEmpty();
  }
}
