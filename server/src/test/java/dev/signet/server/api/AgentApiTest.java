package dev.signet.server.api;

import static dev.signet.server.api.ServerFixture.TD;
import static dev.signet.server.api.ServerFixture.entry;
import static dev.signet.server.api.ServerFixture.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.grpc.QueueingObserver;
import dev.signet.common.proto.PermissionDenied;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.JwtSvidClaims;
import dev.signet.common.svid.JwtSvidValidator;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.datastore.AttestedNode;
import dev.signet.proto.signet.agent.push.v1.EntryPushGrpc;
import dev.signet.proto.signet.agent.push.v1.WatchEvent;
import dev.signet.proto.signet.agent.push.v1.WatchRequest;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.AgentX509SVIDParams;
import dev.signet.proto.spire.api.server.agent.v1.BanAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.DeleteAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.RenewAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.RenewAgentResponse;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.SyncAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.SyncAuthorizedEntriesResponse;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDResponse;
import dev.signet.proto.spire.api.server.svid.v1.NewJWTSVIDRequest;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.PermissionDeniedDetails;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What an attested agent can do over mTLS with its agent SVID, and what it cannot: authorized entries,
 * SVID issuance, renewal, and the refusals after renewal, ban and eviction.
 */
class AgentApiTest extends SharedServerTest {
  private static EntryGrpc.EntryBlockingStub entries(ManagedChannel channel) {
    return EntryGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static SVIDGrpc.SVIDBlockingStub svids(ManagedChannel channel) {
    return SVIDGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static AgentGrpc.AgentBlockingStub agents(ManagedChannel channel) {
    return AgentGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static List<String> authorizedIds(ManagedChannel channel) {
    return entries(channel).getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance()).getEntriesList()
        .stream().map(Entry::getId).sorted().toList();
  }

  private static void assertDenied(Runnable call, PermissionDeniedDetails.Reason reason) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(PermissionDenied.reasonOf(e)).isEqualTo(reason);
    });
  }

  @Test
  void authorizedEntriesAreExactlyTheAgentsDescendants() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    ServerFixture.Identity other = fixture.attestNewAgent();
    Entry direct = fixture.createEntry(entry("/ae/web", agent.id()).build());
    Entry child = fixture.createEntry(entry("/ae/web/sidecar", TD.id("/ae/web")).build());
    Entry grandChild = fixture.createEntry(entry("/ae/web/sidecar/log", TD.id("/ae/web/sidecar")).build());
    Entry foreign = fixture.createEntry(entry("/ae/other", other.id()).build());
    fixture.createEntry(entry("/ae/unrelated", TD.id("/ae/nobody")).build());
    // A node alias whose selectors this join-token agent does not have authorizes nothing for it.
    fixture.createEntry(entry("/ae/alias", ServerFixture.SERVER_ID).clearSelectors()
        .addSelectors(ServerFixture.selector("k8s_psat", "cluster:prod")).build());
    fixture.createEntry(entry("/ae/via-alias", TD.id("/ae/alias")).build());
    long expiredAt = fixture.clock.instant().getEpochSecond() - 1;
    fixture.createEntry(entry("/ae/expired", agent.id()).setExpiresAt(expiredAt).build());

    ManagedChannel channel = fixture.mtls(agent);
    assertThat(authorizedIds(channel))
        .containsExactlyInAnyOrderElementsOf(List.of(direct.getId(), child.getId(), grandChild.getId()));
    assertThat(authorizedIds(fixture.mtls(other))).containsExactly(foreign.getId());
  }

  @Test
  void generatedJoinTokensAreVersion4UuidsAsSpiresAre() {
    for (int i = 0; i < 20; i++) {
      String token = fixture.adminAgents().createJoinToken(
          dev.signet.proto.spire.api.server.agent.v1.CreateJoinTokenRequest.newBuilder().setTtl(600).build()).getValue();
      assertThat(token).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
      assertThat(java.util.UUID.fromString(token).version()).isEqualTo(4);
    }
  }

  @Test
  void aJoinTokenAliasAuthorizesEntriesParentedToTheAlias() {
    String token = fixture.adminAgents().createJoinToken(
        dev.signet.proto.spire.api.server.agent.v1.CreateJoinTokenRequest.newBuilder().setTtl(600)
            .setAgentId(id("/ae/node/rack-9")).build()).getValue();
    KeyPair key = KeyType.EC_P256.generate();
    var result = fixture.attest(ServerFixture.joinTokenParams(token, Csrs.forKey(key)));
    ServerFixture.Identity agent = new ServerFixture.Identity(TD.id("/spire/agent/join_token/" + token), key,
        SvidProtos.chainOf(result.getSvid()));
    Entry workload = fixture.createEntry(entry("/ae/rack-9/db", TD.id("/ae/node/rack-9")).build());

    List<Entry> authorized = entries(fixture.mtls(agent))
        .getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance()).getEntriesList();
    assertThat(authorized).extracting(e -> e.getSpiffeId().getPath())
        .containsExactlyInAnyOrder("/ae/node/rack-9", "/ae/rack-9/db");
    assertThat(authorized).extracting(Entry::getId).contains(workload.getId());
  }

  @Test
  void syncAuthorizedEntriesReturnsTheSameEntries() throws Exception {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    Entry direct = fixture.createEntry(entry("/sync/web", agent.id()).build());
    ManagedChannel channel = fixture.mtls(agent);

    CompletableFuture<List<Entry>> done = new CompletableFuture<>();
    List<Entry> received = new ArrayList<>();
    StreamObserver<SyncAuthorizedEntriesRequest> requests = EntryGrpc.newStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS).syncAuthorizedEntries(new StreamObserver<>() {
          @Override
          public void onNext(SyncAuthorizedEntriesResponse value) {
            received.addAll(value.getEntriesList());
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(received);
          }
        });
    requests.onNext(SyncAuthorizedEntriesRequest.getDefaultInstance());
    requests.onCompleted();

    assertThat(done.get(20, TimeUnit.SECONDS)).extracting(Entry::getId).containsExactly(direct.getId());
  }

  @Test
  void batchNewX509SvidTakesIdDnsAndTtlFromTheEntryAndOnlyTheKeyFromTheCsr() throws Exception {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    Entry web = fixture.createEntry(entry("/svid/web", agent.id()).addDnsNames("web.example.org")
        .setX509SvidTtl(600).build());
    KeyPair key = KeyType.EC_P256.generate();

    BatchNewX509SVIDResponse response = svids(fixture.mtls(agent)).batchNewX509SVID(BatchNewX509SVIDRequest.newBuilder()
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(web.getId())
            .setCsr(ByteString.copyFrom(Csrs.forKey(key))))
        .build());

    BatchNewX509SVIDResponse.Result result = response.getResults(0);
    assertThat(result.getStatus().getCode()).isZero();
    List<X509Certificate> chain = SvidProtos.chainOf(result.getSvid());
    X509Certificate leaf = chain.getFirst();
    assertThat(X509SvidValidator.verify(chain, BundleSource.of(fixture.bundle()), fixture.clock.instant()))
        .isEqualTo(TD.id("/svid/web"));
    assertThat(result.getSvid().getId()).isEqualTo(id("/svid/web"));
    assertThat(leaf.getPublicKey()).isEqualTo(key.getPublic());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(dnsNames(leaf)).containsExactly("web.example.org");
    assertThat(Duration.between(fixture.clock.instant(), leaf.getNotAfter().toInstant()).toSeconds())
        .isBetween(598L, 600L);
    assertThat(fixture.auditLines()).as("the trail names what was issued, to whom")
        .anySatisfy(line -> assertThat(line).contains("\"action\":\"svid.x509.issue\"")
            .contains("\"actor\":\"" + agent.id() + "\"").contains("spiffe_id=spiffe://example.org/svid/web")
            .contains("serial=" + leaf.getSerialNumber().toString(16)))
        .anySatisfy(line -> assertThat(line).contains("\"action\":\"agent.attest\"")
            .contains("\"actor\":\"" + agent.id() + "\"").contains("attestor=join_token"));
  }

  @Test
  void aCsrCannotAskForAnotherIdOrExtraDnsNames() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    Entry web = fixture.createEntry(entry("/svid/csr-web", agent.id()).addDnsNames("web.example.org").build());
    KeyPair key = KeyType.EC_P256.generate();
    ManagedChannel channel = fixture.mtls(agent);

    byte[] otherId = Csrs.create(key, SpiffeId.parse("spiffe://example.org/admin"), List.of());
    byte[] extraDns = Csrs.create(key, null, List.of("evil.example.org"));
    byte[] sameAsEntry = Csrs.create(key, TD.id("/svid/csr-web"), List.of("web.example.org"));
    BatchNewX509SVIDResponse response = svids(channel).batchNewX509SVID(BatchNewX509SVIDRequest.newBuilder()
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(web.getId()).setCsr(ByteString.copyFrom(otherId)))
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(web.getId()).setCsr(ByteString.copyFrom(extraDns)))
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(web.getId()).setCsr(ByteString.copyFrom(sameAsEntry)))
        .build());

    assertThat(response.getResults(0).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.getResults(0).hasSvid()).isFalse();
    assertThat(response.getResults(1).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.getResults(1).hasSvid()).isFalse();
    assertThat(response.getResults(2).getStatus().getCode()).isZero();
    assertThat(response.getResults(2).getSvid().getId()).isEqualTo(id("/svid/csr-web"));
  }

  @Test
  void batchNewX509SvidAnswersPerItemForUnauthorizedMissingAndBrokenParams() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    ServerFixture.Identity other = fixture.attestNewAgent();
    Entry mine = fixture.createEntry(entry("/svid/mine", agent.id()).build());
    Entry theirs = fixture.createEntry(entry("/svid/theirs", other.id()).build());
    byte[] csr = Csrs.forKey(KeyType.EC_P256.generate());
    byte[] badSignature = csr.clone();
    badSignature[badSignature.length - 2] ^= 0x01;

    BatchNewX509SVIDResponse response = svids(fixture.mtls(agent)).batchNewX509SVID(BatchNewX509SVIDRequest.newBuilder()
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(theirs.getId()).setCsr(ByteString.copyFrom(csr)))
        .addParams(NewX509SVIDParams.newBuilder().setEntryId("no-such-entry").setCsr(ByteString.copyFrom(csr)))
        .addParams(NewX509SVIDParams.newBuilder().setCsr(ByteString.copyFrom(csr)))
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(mine.getId()))
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(theirs.getId()))
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(mine.getId()).setCsr(ByteString.copyFrom(badSignature)))
        .addParams(NewX509SVIDParams.newBuilder().setEntryId(mine.getId()).setCsr(ByteString.copyFrom(csr)))
        .build());

    assertThat(response.getResultsList()).extracting(r -> r.getStatus().getCode()).containsExactly(
        Status.Code.NOT_FOUND.value(),
        Status.Code.NOT_FOUND.value(),
        Status.Code.INVALID_ARGUMENT.value(),
        Status.Code.INVALID_ARGUMENT.value(),
        Status.Code.INVALID_ARGUMENT.value(), // SPIRE checks a missing CSR before authorization
        Status.Code.INVALID_ARGUMENT.value(),
        0);
    assertThat(response.getResults(0).getStatus().getMessage()).isEqualTo("entry not found or not authorized");
    assertThat(response.getResults(2).getStatus().getMessage()).isEqualTo("missing entry ID");
    assertThat(response.getResults(3).getStatus().getMessage()).isEqualTo("missing CSR");
    assertThat(response.getResultsList().subList(0, 6)).allSatisfy(r -> assertThat(r.hasSvid()).isFalse());
  }

  @Test
  void newJwtSvidWorksForAuthorizedEntriesOnly() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    ServerFixture.Identity other = fixture.attestNewAgent();
    Entry mine = fixture.createEntry(entry("/jwt/mine", agent.id()).setJwtSvidTtl(120).build());
    Entry theirs = fixture.createEntry(entry("/jwt/theirs", other.id()).build());
    ManagedChannel channel = fixture.mtls(agent);

    var svid = svids(channel).newJWTSVID(NewJWTSVIDRequest.newBuilder().setEntryId(mine.getId())
        .addAudience("db").build()).getSvid();
    JwtSvidClaims claims = JwtSvidValidator.validate(svid.getToken(), BundleSource.of(fixture.bundle()), "db",
        fixture.clock.instant());
    assertThat(claims.subject()).isEqualTo(TD.id("/jwt/mine"));
    assertThat(svid.getExpiresAt() - svid.getIssuedAt()).isEqualTo(120);

    assertThatThrownBy(() -> svids(channel).newJWTSVID(NewJWTSVIDRequest.newBuilder().setEntryId(theirs.getId())
        .addAudience("db").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).isEqualTo("entry not found or not authorized");
        });
    assertThatThrownBy(() -> svids(channel).newJWTSVID(NewJWTSVIDRequest.newBuilder().setEntryId(mine.getId())
        .build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void anEntryThatAsksForJtiGetsAFreshJtiInEveryJwtSvidAndOthersGetNone() throws Exception {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    Entry withJti = fixture.createEntry(entry("/jwt/jti", agent.id()).setAdditionalAttributes(
        Entry.AdditionalAttributes.newBuilder().setJwtSvidIncludeJti(true)).build());
    Entry plain = fixture.createEntry(entry("/jwt/plain", agent.id()).build());
    assertThat(withJti.getAdditionalAttributes().getJwtSvidIncludeJti()).isTrue();
    assertThat(plain.hasAdditionalAttributes()).isFalse();
    ManagedChannel channel = fixture.mtls(agent);

    java.util.function.Function<Entry, com.nimbusds.jwt.JWTClaimsSet> mint = e -> {
      try {
        return com.nimbusds.jwt.SignedJWT.parse(svids(channel).newJWTSVID(NewJWTSVIDRequest.newBuilder()
            .setEntryId(e.getId()).addAudience("db").build()).getSvid().getToken()).getJWTClaimsSet();
      } catch (java.text.ParseException ex) {
        throw new AssertionError(ex);
      }
    };
    String first = mint.apply(withJti).getJWTID();
    String second = mint.apply(withJti).getJWTID();

    assertThat(first).matches("[0-9a-f]{32}");
    assertThat(second).matches("[0-9a-f]{32}").isNotEqualTo(first);
    assertThat(mint.apply(plain).getJWTID()).isNull();
  }

  @Test
  void renewalIssuesANewSvidAndTheOldOneStopsWorkingOnceTheNewOneIsUsed() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    ManagedChannel oldChannel = fixture.mtls(agent);
    KeyPair newKey = KeyType.EC_P256.generate();

    RenewAgentResponse renewed = agents(oldChannel).renewAgent(RenewAgentRequest.newBuilder()
        .setParams(AgentX509SVIDParams.newBuilder().setCsr(ByteString.copyFrom(Csrs.forKey(newKey)))).build());

    List<X509Certificate> newChain = SvidProtos.chainOf(renewed.getSvid());
    assertThat(X509SvidValidator.verify(newChain, BundleSource.of(fixture.bundle()), fixture.clock.instant()))
        .isEqualTo(agent.id());
    assertThat(newChain.getFirst().getSerialNumber()).isNotEqualTo(agent.leaf().getSerialNumber());
    assertThat(newChain.getFirst().getPublicKey()).isEqualTo(newKey.getPublic());
    assertThat(authorizedIds(oldChannel)).as("the old SVID works until the new one is used").isEmpty();

    ManagedChannel newChannel = fixture.mtls(new ServerFixture.Identity(agent.id(), newKey, newChain));
    assertThat(authorizedIds(newChannel)).isEmpty();

    assertDenied(() -> authorizedIds(oldChannel), PermissionDeniedDetails.Reason.AGENT_NOT_ACTIVE);
    assertDenied(() -> authorizedIds(fixture.mtls(agent)), PermissionDeniedDetails.Reason.AGENT_NOT_ACTIVE);
    assertThat(authorizedIds(newChannel)).isEmpty();
  }

  /**
   * A clone holding a copy of the agent's old SVID (and key) gets nothing once the renewed SVID has been
   * used: it can neither renew nor have SVIDs signed, and its refusal does not disturb the real agent.
   */
  @Test
  void aClonedAgentPresentingTheOldSvidAfterTheRenewedOneWasUsedCannotRenewOrMintAnything() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    KeyPair newKey = KeyType.EC_P256.generate();
    RenewAgentResponse renewed = agents(fixture.mtls(agent)).renewAgent(RenewAgentRequest.newBuilder()
        .setParams(AgentX509SVIDParams.newBuilder().setCsr(ByteString.copyFrom(Csrs.forKey(newKey)))).build());
    ManagedChannel real = fixture.mtls(new ServerFixture.Identity(agent.id(), newKey,
        SvidProtos.chainOf(renewed.getSvid())));
    assertThat(authorizedIds(real)).isEmpty(); // the renewed SVID is used: the old one is superseded

    ManagedChannel clone = fixture.mtls(agent);
    KeyPair cloneKey = KeyType.EC_P256.generate();
    assertDenied(() -> agents(clone).renewAgent(RenewAgentRequest.newBuilder()
        .setParams(AgentX509SVIDParams.newBuilder().setCsr(ByteString.copyFrom(Csrs.forKey(cloneKey)))).build()),
        PermissionDeniedDetails.Reason.AGENT_NOT_ACTIVE);
    assertDenied(() -> SVIDGrpc.newBlockingStub(clone).withDeadlineAfter(20, TimeUnit.SECONDS)
        .batchNewX509SVID(BatchNewX509SVIDRequest.getDefaultInstance()),
        PermissionDeniedDetails.Reason.AGENT_NOT_ACTIVE);

    assertThat(authorizedIds(real)).as("the real agent is still served").isEmpty();
    KeyPair nextKey = KeyType.EC_P256.generate();
    assertThat(agents(real).renewAgent(RenewAgentRequest.newBuilder().setParams(AgentX509SVIDParams.newBuilder()
        .setCsr(ByteString.copyFrom(Csrs.forKey(nextKey)))).build()).getSvid().getCertChainCount()).isPositive();
  }

  @Test
  void postStatusRecordsTheAgentVersionAndRefusesUnprintableOnes() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    ManagedChannel channel = fixture.mtls(agent);

    agents(channel).postStatus(dev.signet.proto.spire.api.server.agent.v1.PostStatusRequest.newBuilder()
        .setCurrentBundleSerial(1).setAgentVersion("1.15.2").build());
    assertThat(fixture.dataStore().fetchAttestedNode(agent.id()).orElseThrow().agentVersion()).isEqualTo("1.15.2");

    for (String bad : List.of("1.0\u001b[2J", "1.0\nSPIFFE ID : spiffe://example.org/forged", "v".repeat(256))) {
      assertThatThrownBy(() -> agents(channel).postStatus(
          dev.signet.proto.spire.api.server.agent.v1.PostStatusRequest.newBuilder().setAgentVersion(bad).build()))
          .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
    assertThat(fixture.dataStore().fetchAttestedNode(agent.id()).orElseThrow().agentVersion()).isEqualTo("1.15.2");
  }

  @Test
  void renewalNeedsACsr() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    assertThatThrownBy(() -> agents(fixture.mtls(agent)).renewAgent(RenewAgentRequest.getDefaultInstance()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void anAgentThatCanReattestIsToldToReattestInsteadOfRenewing() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    fixture.makeReattestable(agent);
    ManagedChannel channel = fixture.mtls(agent);
    RenewAgentRequest renew = RenewAgentRequest.newBuilder().setParams(AgentX509SVIDParams.newBuilder()
        .setCsr(ByteString.copyFrom(Csrs.forKey(KeyType.EC_P256.generate())))).build();

    assertThatThrownBy(() -> agents(channel).renewAgent(renew))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).isEqualTo("agent must reattest instead of renew");
          assertThat(PermissionDenied.reasonOf(e)).isEqualTo(PermissionDeniedDetails.Reason.AGENT_MUST_REATTEST);
        });
    // Refused before the request is read: even a request without a CSR gets the re-attest answer.
    assertDenied(() -> agents(channel).renewAgent(RenewAgentRequest.getDefaultInstance()),
        PermissionDeniedDetails.Reason.AGENT_MUST_REATTEST);

    var node = fixture.dataStore().fetchAttestedNode(agent.id()).orElseThrow();
    assertThat(node.certSerialNumber()).isEqualTo(agent.leaf().getSerialNumber().toString());
    assertThat(node.newCertSerialNumber()).as("no SVID was issued").isEmpty();
    assertThat(authorizedIds(channel)).as("the current SVID keeps working").isEmpty();
  }

  @Test
  void evidenceOfOneAttestorNeverTakesOverAnAgentIdMadeByAnother() {
    // As if another attestor (here "tpm", re-attestable) had already made the ID this join token will name.
    String token = fixture.newJoinToken(600);
    SpiffeId taken = TD.id("/spire/agent/join_token/" + token);
    fixture.dataStore().createAttestedNode(new AttestedNode(taken, "tpm", "1", fixture.clock.instant().plusSeconds(600),
        "", null, true, false, List.of()));

    assertThatThrownBy(() -> fixture.attest(ServerFixture.joinTokenParams(token,
        Csrs.forKey(KeyType.EC_P256.generate()))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("was attested with \"tpm\"");
        });
    assertThat(fixture.dataStore().fetchAttestedNode(taken).orElseThrow().attestationDataType())
        .as("the existing agent is untouched").isEqualTo("tpm");
  }

  @Test
  void aBannedAgentIsRefusedWithAgentBannedAndCannotReattest() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    ManagedChannel channel = fixture.mtls(agent);
    assertThat(authorizedIds(channel)).isEmpty();

    fixture.adminAgents().banAgent(BanAgentRequest.newBuilder().setId(id(agent.id())).build());

    assertDenied(() -> authorizedIds(channel), PermissionDeniedDetails.Reason.AGENT_BANNED);
    assertDenied(() -> authorizedIds(fixture.mtls(agent)), PermissionDeniedDetails.Reason.AGENT_BANNED);
    assertDenied(() -> agents(channel).renewAgent(RenewAgentRequest.newBuilder().setParams(AgentX509SVIDParams
        .newBuilder().setCsr(ByteString.copyFrom(Csrs.forKey(KeyType.EC_P256.generate())))).build()),
        PermissionDeniedDetails.Reason.AGENT_BANNED);
  }

  @Test
  void anEvictedAgentIsRefusedWithAgentNotAttested() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    ManagedChannel channel = fixture.mtls(agent);
    assertThat(authorizedIds(channel)).isEmpty();

    fixture.adminAgents().deleteAgent(DeleteAgentRequest.newBuilder().setId(id(agent.id())).build());

    assertDenied(() -> authorizedIds(channel), PermissionDeniedDetails.Reason.AGENT_NOT_ATTESTED);
    assertThatThrownBy(() -> fixture.adminAgents().deleteAgent(DeleteAgentRequest.newBuilder()
        .setId(id(agent.id())).build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void anExpiredAgentSvidIsRefused() throws Exception {
    try (ServerFixture own = new ServerFixture()) {
      ServerFixture.Identity agent = own.attestNewAgent();
      ManagedChannel channel = own.mtls(agent);
      assertThat(authorizedIds(channel)).isEmpty();

      own.clock.advance(Duration.ofHours(2)); // agent_ttl is 1 h
      // The TLS layer (server clock) refuses a new connection; an open one is refused per call.
      assertDenied(() -> authorizedIds(channel), PermissionDeniedDetails.Reason.AGENT_EXPIRED);
      assertThatThrownBy(() -> authorizedIds(own.mtls(agent)))
          .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void thePushStreamTellsAnAttestedAgentAboutNewEntries() throws Exception {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    ManagedChannel channel = fixture.mtls(agent);
    assertThat(authorizedIds(channel)).isEmpty(); // connection is up and the agent is authorized
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    EntryPushGrpc.newStub(channel).watch(WatchRequest.getDefaultInstance(),
        new QueueingObserver<>(events, "completed"));

    // The stream registers asynchronously; each attempt creates one more entry until an event arrives.
    Object event = null;
    for (int attempt = 0; attempt < 20 && event == null; attempt++) {
      fixture.createEntry(entry("/push/web-" + attempt, agent.id()).build());
      event = events.poll(500, TimeUnit.MILLISECONDS);
    }
    assertThat(event).isInstanceOfSatisfying(WatchEvent.class, e -> {
      assertThat(e.getEntriesChanged()).isTrue();
      assertThat(e.getRevision()).isPositive();
    });
  }

  @Test
  void thePushStreamIsForAgentsOnly() throws Exception {
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    EntryPushGrpc.newStub(fixture.anonymous()).watch(WatchRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(WatchEvent value) {
        failed.completeExceptionally(new AssertionError("anonymous caller got an event"));
      }

      @Override
      public void onError(Throwable t) {
        failed.complete(t);
      }

      @Override
      public void onCompleted() {
        failed.completeExceptionally(new AssertionError("stream completed"));
      }
    });
    assertThat(Status.fromThrowable(failed.get(20, TimeUnit.SECONDS)).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  private static List<String> dnsNames(X509Certificate leaf) {
    try {
      List<String> names = new ArrayList<>();
      if (leaf.getSubjectAlternativeNames() != null) {
        leaf.getSubjectAlternativeNames().stream().filter(n -> (Integer) n.get(0) == 2)
            .forEach(n -> names.add((String) n.get(1)));
      }
      return names;
    } catch (java.security.cert.CertificateParsingException e) {
      throw new AssertionError(e);
    }
  }
}
