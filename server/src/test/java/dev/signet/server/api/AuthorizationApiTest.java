package dev.signet.server.api;

import static dev.signet.server.api.ServerFixture.TD;
import static dev.signet.server.api.ServerFixture.entry;
import static dev.signet.server.api.StatusAssertions.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.PermissionDenied;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.testing.TestCertificate;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.CreateJoinTokenRequest;
import dev.signet.proto.spire.api.server.agent.v1.ListAgentsRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchSetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.MintX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.PermissionDeniedDetails;
import dev.signet.proto.spire.api.types.X509Certificate;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Who may call what, tried over the real sockets with real and forged credentials. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationApiTest {
  private static final SpiffeId CONFIGURED_ADMIN = TD.id("/ops/admin");
  private ServerFixture fixture;
  private ServerFixture.Identity agent;

  @BeforeAll
  void start() throws Exception {
    fixture = new ServerFixture(List.of(CONFIGURED_ADMIN));
    agent = fixture.attestNewAgent();
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private static EntryGrpc.EntryBlockingStub entries(ManagedChannel channel) {
    return EntryGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static AgentGrpc.AgentBlockingStub agents(ManagedChannel channel) {
    return AgentGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** An X509-SVID (key + chain) the server issues to {@code agent} for a new entry built by {@code spec}. */
  private ServerFixture.Identity workloadSvid(Entry spec) {
    Entry created = fixture.createEntry(spec);
    KeyPair key = KeyType.EC_P256.generate();
    var result = SVIDGrpc.newBlockingStub(fixture.mtls(agent)).withDeadlineAfter(20, TimeUnit.SECONDS)
        .batchNewX509SVID(BatchNewX509SVIDRequest.newBuilder().addParams(NewX509SVIDParams.newBuilder()
            .setEntryId(created.getId()).setCsr(ByteString.copyFrom(Csrs.forKey(key)))).build()).getResults(0);
    assertThat(result.getStatus().getCode()).isZero();
    return new ServerFixture.Identity(SpiffeId.parse("spiffe://" + spec.getSpiffeId().getTrustDomain()
        + spec.getSpiffeId().getPath()), key, SvidProtos.chainOf(result.getSvid()));
  }

  @Test
  void anAgentCannotCallManagementRpcs() {
    ManagedChannel channel = fixture.mtls(agent);
    assertCode(() -> entries(channel).batchCreateEntry(BatchCreateEntryRequest.newBuilder()
        .addEntries(entry("/authz/sneaky", agent.id())).build()), Status.Code.PERMISSION_DENIED);
    assertCode(() -> entries(channel).listEntries(ListEntriesRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
    assertCode(() -> agents(channel).createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(60).build()),
        Status.Code.PERMISSION_DENIED);
    assertCode(() -> agents(channel).listAgents(ListAgentsRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
    assertCode(() -> SVIDGrpc.newBlockingStub(channel).mintX509SVID(MintX509SVIDRequest.newBuilder()
        .setCsr(ByteString.copyFrom(Csrs.create(KeyType.EC_P256.generate(), TD.id("/minted"), List.of())))
        .build()), Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anUnauthenticatedCallerGetsOnlyTheBundleAndAttestation() {
    ManagedChannel channel = fixture.anonymous();
    assertThat(BundleGrpc.newBlockingStub(channel).getBundle(GetBundleRequest.getDefaultInstance())
        .getTrustDomain()).isEqualTo("example.org");
    assertCode(() -> entries(channel).getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
    assertCode(() -> entries(channel).listEntries(ListEntriesRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
    assertCode(() -> agents(channel).createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(60).build()),
        Status.Code.PERMISSION_DENIED);
  }

  @Test
  void theAdminSocketManagesButIsNoAgent() {
    assertThat(fixture.adminEntries().listEntries(ListEntriesRequest.getDefaultInstance())).isNotNull();
    assertThat(fixture.adminAgents().listAgents(ListAgentsRequest.getDefaultInstance()).getAgentsList())
        .isNotEmpty();
    assertCode(() -> fixture.adminEntries().getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anSvidFromAnotherCaClaimingAnAgentIdIsRefused() {
    TestCertificate.Issued ca = TestCertificate.ca("example.org").validity(Instant.now().minusSeconds(3600),
        Instant.now().plusSeconds(3600)).issue();
    TestCertificate.Issued forged = TestCertificate.leaf(agent.id().toString(), ca)
        .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(3600)).issue();

    ManagedChannel channel = fixture.mtls(forged.keyPair().getPrivate(), List.of(forged.certificate(), ca.certificate()));

    assertCode(() -> entries(channel).getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance()),
        Status.Code.UNAVAILABLE);
  }

  @Test
  void aFederatedCaCanNeitherSpeakForOurDomainNorActAsAnAgent() {
    TestCertificate.Issued partnerCa = TestCertificate.ca("partner.org").validity(Instant.now().minusSeconds(3600),
        Instant.now().plusSeconds(3600)).issue();
    var set = fixture.adminBundles().batchSetFederatedBundle(BatchSetFederatedBundleRequest.newBuilder()
        .addBundle(dev.signet.proto.spire.api.types.Bundle.newBuilder().setTrustDomain("partner.org")
            .addX509Authorities(X509Certificate.newBuilder()
                .setAsn1(ByteString.copyFrom(encoded(partnerCa.certificate())))))
        .build());
    assertThat(set.getResults(0).getStatus().getCode()).isZero();

    // The partner CA signs an SVID with our agent's ID: only our own bundle may vouch for example.org.
    TestCertificate.Issued crossDomain = TestCertificate.leaf(agent.id().toString(), partnerCa)
        .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(3600)).issue();
    ManagedChannel forgedChannel = fixture.mtls(crossDomain.keyPair().getPrivate(), List.of(crossDomain.certificate()));
    assertCode(() -> entries(forgedChannel).getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance()),
        Status.Code.UNAVAILABLE);

    // A genuine partner SVID authenticates, but is no attested agent of ours and no admin.
    TestCertificate.Issued partner = TestCertificate.leaf("spiffe://partner.org/spire/agent/join_token/x", partnerCa)
        .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(3600)).issue();
    ManagedChannel partnerChannel = fixture.mtls(partner.keyPair().getPrivate(), List.of(partner.certificate()));
    assertThatThrownBy(() -> entries(partnerChannel).getAuthorizedEntries(GetAuthorizedEntriesRequest
        .getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(PermissionDenied.reasonOf(e)).isEqualTo(PermissionDeniedDetails.Reason.AGENT_NOT_ATTESTED);
        });
    assertCode(() -> entries(partnerChannel).listEntries(ListEntriesRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anAdminEntrySvidMayManageOverTcpAndAPlainWorkloadMayNot() {
    ServerFixture.Identity admin = workloadSvid(entry("/authz/admin-tool", agent.id()).setAdmin(true).build());
    ServerFixture.Identity plain = workloadSvid(entry("/authz/plain-tool", agent.id()).build());

    ManagedChannel adminChannel = fixture.mtls(admin);
    assertThat(entries(adminChannel).listEntries(ListEntriesRequest.getDefaultInstance()).getEntriesList())
        .extracting(e -> e.getSpiffeId().getPath()).contains("/authz/admin-tool", "/authz/plain-tool");
    assertThat(agents(adminChannel).createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(60).build())
        .getValue()).isNotEmpty();
    assertCode(() -> entries(adminChannel).getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);

    ManagedChannel plainChannel = fixture.mtls(plain);
    assertCode(() -> entries(plainChannel).listEntries(ListEntriesRequest.getDefaultInstance()),
        Status.Code.PERMISSION_DENIED);
    assertCode(() -> agents(plainChannel).createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(60).build()),
        Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anIdInAdminIdsMayManage() {
    ServerFixture.Identity ops = workloadSvid(entry("/ops/admin", agent.id()).build());
    assertThat(agents(fixture.mtls(ops)).listAgents(ListAgentsRequest.getDefaultInstance()).getAgentsList())
        .isNotEmpty();
  }

  private static byte[] encoded(java.security.cert.X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new AssertionError(e);
    }
  }
}
