package dev.signet.server.api;

import static dev.signet.server.api.ServerFixture.joinTokenParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.SvidProtos;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.X509SvidValidator;
import dev.signet.proto.spire.api.server.agent.v1.AgentX509SVIDParams;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentResponse;
import dev.signet.proto.spire.api.server.agent.v1.CreateJoinTokenRequest;
import dev.signet.proto.spire.api.server.agent.v1.GetAgentRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.types.Agent;
import dev.signet.proto.spire.api.types.AttestationData;
import dev.signet.proto.spire.api.types.JoinToken;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AttestAgent with join tokens over the real TCP endpoint, and CreateJoinToken over the admin socket. */
class AttestAgentApiTest extends SharedServerTest {
  private static Status.Code codeOf(Throwable t) {
    return Status.fromThrowable(t).getCode();
  }

  @Test
  void joinTokenAttestationIssuesAnAgentSvidThatChainsToTheBundle() {
    String token = fixture.newJoinToken(600);
    KeyPair key = KeyType.EC_P256.generate();

    AttestAgentResponse.Result result = fixture.attest(joinTokenParams(token, Csrs.forKey(key)));

    String expectedId = "spiffe://example.org/spire/agent/join_token/" + token;
    assertThat(result.getSvid().getId().getTrustDomain()).isEqualTo("example.org");
    assertThat(result.getSvid().getId().getPath()).isEqualTo("/spire/agent/join_token/" + token);
    assertThat(result.getReattestable()).isFalse();
    List<X509Certificate> chain = SvidProtos.chainOf(result.getSvid());
    X509Certificate leaf = chain.getFirst();
    assertThat(leaf.getPublicKey()).isEqualTo(key.getPublic());
    assertThat(X509SvidValidator.verify(chain, BundleSource.of(fixture.bundle()), fixture.clock.instant()))
        .hasToString(expectedId);
    assertThat(result.getSvid().getExpiresAt()).isEqualTo(leaf.getNotAfter().toInstant().getEpochSecond());

    Agent agent = fixture.adminAgents().getAgent(GetAgentRequest.newBuilder()
        .setId(ServerFixture.id("/spire/agent/join_token/" + token)).build());
    assertThat(agent.getAttestationType()).isEqualTo("join_token");
    assertThat(agent.getX509SvidSerialNumber()).isEqualTo(leaf.getSerialNumber().toString());
    assertThat(agent.getBanned()).isFalse();
  }

  @Test
  void aJoinTokenWorksOnlyOnce() {
    String token = fixture.newJoinToken(600);
    fixture.attest(joinTokenParams(token, Csrs.forKey(KeyType.EC_P256.generate())));

    assertThatThrownBy(() -> fixture.attest(joinTokenParams(token, Csrs.forKey(KeyType.EC_P256.generate()))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("unknown or already used join token");
        });
  }

  @Test
  void anUnknownJoinTokenIsRefused() {
    assertThatThrownBy(() -> fixture.attest(joinTokenParams("never-issued", Csrs.forKey(KeyType.EC_P256.generate()))))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void anExpiredJoinTokenIsRefusedAndConsumed() {
    String token = fixture.newJoinToken(1);
    fixture.clock.advance(Duration.ofSeconds(2));

    assertThatThrownBy(() -> fixture.attest(joinTokenParams(token, Csrs.forKey(KeyType.EC_P256.generate()))))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
          assertThat(e.getStatus().getDescription()).contains("expired");
        });
    fixture.clock.advance(Duration.ofSeconds(-2));
    assertThatThrownBy(() -> fixture.attest(joinTokenParams(token, Csrs.forKey(KeyType.EC_P256.generate()))))
        .as("an expired token is used up, so turning the clock back does not revive it")
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void anUnknownAttestorTypeIsFailedPrecondition() {
    AttestAgentRequest request = joinTokenParams("x", Csrs.forKey(KeyType.EC_P256.generate())).toBuilder()
        .setParams(joinTokenParams("x", Csrs.forKey(KeyType.EC_P256.generate())).getParams().toBuilder()
            .setData(AttestationData.newBuilder().setType("aws_iid").setPayload(ByteString.copyFromUtf8("{}"))))
        .build();

    assertThatThrownBy(() -> fixture.attest(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains("could not find node attestor type \"aws_iid\"");
        });
  }

  @Test
  void missingPartsAreInvalidArgumentAndDoNotConsumeTheToken() {
    String token = fixture.newJoinToken(600);
    byte[] csr = Csrs.forKey(KeyType.EC_P256.generate());
    AttestAgentRequest.Params full = joinTokenParams(token, csr).getParams();

    List<AttestAgentRequest> broken = List.of(
        AttestAgentRequest.newBuilder().setParams(full.toBuilder().clearParams()).build(),
        AttestAgentRequest.newBuilder().setParams(full.toBuilder()
            .setParams(AgentX509SVIDParams.getDefaultInstance())).build(),
        AttestAgentRequest.newBuilder().setParams(full.toBuilder().setData(full.getData().toBuilder()
            .setPayload(ByteString.EMPTY))).build(),
        AttestAgentRequest.newBuilder().setParams(full.toBuilder().clearData()).build(),
        AttestAgentRequest.newBuilder().build());
    for (AttestAgentRequest request : broken) {
      assertThatThrownBy(() -> fixture.attest(request)).as(request.toString())
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    assertThat(fixture.attest(joinTokenParams(token, csr)).hasSvid())
        .as("the token survived the malformed attempts").isTrue();
  }

  @Test
  void aCsrWithABadSignatureIsInvalidArgument() {
    String token = fixture.newJoinToken(600);
    byte[] csr = Csrs.forKey(KeyType.EC_P256.generate());
    csr[csr.length - 2] ^= 0x01; // inside the ECDSA signature

    assertThatThrownBy(() -> fixture.attest(joinTokenParams(token, csr)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).containsIgnoringCase("csr");
        });
  }

  @Test
  void aCsrSignedByAnotherKeyIsInvalidArgument() throws Exception {
    // The CSR carries key A but is signed with key B: proof of possession fails.
    KeyPair a = KeyType.EC_P256.generate();
    KeyPair b = KeyType.EC_P256.generate();
    var builder = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
        new org.bouncycastle.asn1.x500.X500Name("O=SPIRE"), a.getPublic());
    byte[] csr = builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
        .build(b.getPrivate())).getEncoded();

    assertThatThrownBy(() -> fixture.attest(joinTokenParams(fixture.newJoinToken(600), csr)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void garbageInsteadOfACsrIsInvalidArgument() {
    byte[] garbage = "definitely not DER".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> fixture.attest(joinTokenParams(fixture.newJoinToken(600), garbage)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void aChallengeResponseBeforeParamsIsInvalidArgument() {
    AttestAgentRequest request = AttestAgentRequest.newBuilder().setChallengeResponse(ByteString.copyFromUtf8("x"))
        .build();
    assertThatThrownBy(() -> fixture.attest(request))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void createJoinTokenRequiresAPositiveTtlLikeSpire() {
    for (int ttl : new int[] {0, -1}) {
      assertThatThrownBy(() -> fixture.adminAgents().createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(ttl)
          .build()))
          .as("ttl " + ttl)
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).isEqualTo("ttl is required, you must provide one");
          });
    }
  }

  @Test
  void createJoinTokenKeepsAChosenValueAndReportsTheExpiry() {
    JoinToken token = fixture.adminAgents().createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(90)
        .setToken("chosen-token-1").build());
    assertThat(token.getValue()).isEqualTo("chosen-token-1");
    assertThat(token.getExpiresAt()).isEqualTo(fixture.clock.instant().getEpochSecond() + 90);

    assertThatThrownBy(() -> fixture.adminAgents().createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(90)
        .setToken("chosen-token-1").build()))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.ALREADY_EXISTS));
  }

  @Test
  void createJoinTokenWithAnAgentIdMakesAnAliasEntryParentedToTheTokenAgent() {
    JoinToken token = fixture.adminAgents().createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(600)
        .setAgentId(ServerFixture.id("/node/rack-7")).build());

    var entries = fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder()
        .setFilter(ListEntriesRequest.Filter.newBuilder().setBySpiffeId(ServerFixture.id("/node/rack-7")))
        .build()).getEntriesList();
    assertThat(entries).hasSize(1);
    String agentId = "spiffe://example.org/spire/agent/join_token/" + token.getValue();
    assertThat(entries.getFirst().getParentId()).isEqualTo(ServerFixture.id("/spire/agent/join_token/"
        + token.getValue()));
    assertThat(entries.getFirst().getSelectorsList())
        .containsExactly(ServerFixture.selector("spiffe_id", agentId));
  }

  @Test
  void createJoinTokenRefusesAnAgentIdThatIsNotAWorkloadIdOfOurTrustDomain() {
    for (var bad : List.of(
        dev.signet.proto.spire.api.types.SPIFFEID.newBuilder().setTrustDomain("other.org").setPath("/node").build(),
        ServerFixture.id("/spire/agent/join_token/forged"),
        ServerFixture.id(""))) {
      assertThatThrownBy(() -> fixture.adminAgents().createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(600)
          .setAgentId(bad).build()))
          .as(bad.toString())
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
  }

  @Test
  void aTokenThatCannotFormAnAgentIdIsRefusedAtCreation() {
    assertThatThrownBy(() -> fixture.adminAgents().createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(600)
        .setToken("../../server").build()))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }
}
