package dev.signet.server.api;

import static dev.signet.server.api.ServerFixture.joinTokenParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.protobuf.ByteString;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.logging.LogFields;
import dev.signet.common.testing.CapturedLogs;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.BanAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.DeleteAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.ListAgentsRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.types.AttestationData;
import dev.signet.server.api.agent.AgentService;
import dev.signet.server.authz.AuthorizationInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each refusal on the server leaves exactly one line with who, what and why; bans and evictions leave one
 * line each; a join token or private key sent as attestation evidence never reaches the log.
 */
class RefusalLogTest extends SharedServerTest {
  private static Map<String, Object> onlyLine(CapturedLogs logs, Level level) {
    assertThat(logs.events()).hasSize(1);
    ILoggingEvent line = logs.events().getFirst();
    assertThat(line.getLevel()).isEqualTo(level);
    return CapturedLogs.fields(line);
  }

  private static Status.Code code(Throwable t) {
    return Status.fromThrowable(t).getCode();
  }

  @Test
  void aRefusedJoinTokenLeavesOneLineWithTheAttestorAndAddressButNotTheToken() {
    String secret = "5f0c1e9a-7d3b-4e2a-9b6c-0123456789ab";
    try (CapturedLogs agentService = CapturedLogs.of(AgentService.class); CapturedLogs all = CapturedLogs.all()) {
      assertThatThrownBy(() -> fixture.attest(joinTokenParams(secret, Csrs.forKey(KeyType.EC_P256.generate()))))
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));

      Map<String, Object> fields = onlyLine(agentService, Level.WARN);
      assertThat(fields.keySet()).containsExactly(LogFields.CODE, LogFields.ATTESTOR, LogFields.CALLER_ADDRESS);
      assertThat(fields).containsEntry(LogFields.ATTESTOR, "join_token").containsEntry(LogFields.CODE, "PERMISSION_DENIED");
      assertThat(String.valueOf(fields.get(LogFields.CALLER_ADDRESS))).contains("127.0.0.1");
      assertThat(agentService.events().getFirst().getFormattedMessage())
          .isEqualTo("failed to attest: join_token: unknown or already used join token");
      assertThat(all.text()).doesNotContain(secret);
    }
  }

  @Test
  void privateKeyMaterialSentAsEvidenceNeverReachesTheLog() {
    KeyPair key = KeyType.EC_P256.generate();
    String body = Base64.getEncoder().encodeToString(key.getPrivate().getEncoded());
    String pem = "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    byte[] csr = Csrs.forKey(KeyType.EC_P256.generate());
    AttestAgentRequest asJoinToken = joinTokenParams(pem, csr);
    AttestAgentRequest asUnknownAttestor = AttestAgentRequest.newBuilder().setParams(asJoinToken.getParams().toBuilder()
        .setData(AttestationData.newBuilder().setType("x509pop")
            .setPayload(ByteString.copyFrom(pem, StandardCharsets.UTF_8)))).build();
    for (AttestAgentRequest request : java.util.List.of(asJoinToken, asUnknownAttestor)) {
      try (CapturedLogs agentService = CapturedLogs.of(AgentService.class); CapturedLogs all = CapturedLogs.all()) {
        assertThatThrownBy(() -> fixture.attest(request)).isNotNull();

        assertThat(agentService.events()).hasSize(1);
        assertThat(all.text()).doesNotContain(body).doesNotContain(body.substring(0, 24)).doesNotContain("PRIVATE KEY");
      }
    }
  }

  @Test
  void anAdmittedAgentLeavesOneInfoLine() {
    try (CapturedLogs logs = CapturedLogs.of(AgentService.class)) {
      ServerFixture.Identity agent = fixture.attestNewAgent();

      assertThat(onlyLine(logs, Level.INFO)).containsEntry(LogFields.AGENT_ID, agent.id())
          .containsEntry(LogFields.ATTESTOR, "join_token");
      assertThat(logs.events().getFirst().getFormattedMessage()).isEqualTo("agent attested");
    }
  }

  @Test
  void aCallerWithoutTheRoleLeavesOneLineWithTheMethodAndWhoItWas() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    ManagedChannel channel = fixture.mtls(agent);
    try (CapturedLogs logs = CapturedLogs.of(AuthorizationInterceptor.class)) {
      assertThatThrownBy(() -> AgentGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
          .listAgents(ListAgentsRequest.getDefaultInstance()))
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));

      assertThat(onlyLine(logs, Level.WARN)).containsExactly(
          Map.entry(LogFields.CODE, "PERMISSION_DENIED"),
          Map.entry(LogFields.METHOD, "spire.api.server.agent.v1.Agent/ListAgents"),
          Map.entry(LogFields.CALLER, agent.id().toString()));
    }
  }

  @Test
  void aBannedAgentIsBannedWithOneLineAndEachCallItMakesLeavesOneLineWithTheReason() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    try (CapturedLogs logs = CapturedLogs.of(AgentService.class)) {
      fixture.adminAgents().banAgent(BanAgentRequest.newBuilder().setId(ServerFixture.id(agent.id())).build());

      assertThat(onlyLine(logs, Level.INFO)).containsEntry(LogFields.AGENT_ID, agent.id());
      assertThat(logs.events().getFirst().getFormattedMessage()).isEqualTo("agent banned");
      assertThat(String.valueOf(CapturedLogs.fields(logs.events().getFirst()).get(LogFields.CALLER))).startsWith("local");
    }
    ManagedChannel channel = fixture.mtls(agent);
    try (CapturedLogs logs = CapturedLogs.of(AuthorizationInterceptor.class)) {
      assertThatThrownBy(() -> EntryGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
          .getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance()))
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));

      assertThat(onlyLine(logs, Level.WARN)).containsExactly(
          Map.entry(LogFields.CODE, "PERMISSION_DENIED"),
          Map.entry(LogFields.METHOD, "spire.api.server.entry.v1.Entry/GetAuthorizedEntries"),
          Map.entry(LogFields.AGENT_ID, agent.id()),
          Map.entry(LogFields.REASON, "AGENT_BANNED"));
    }
  }

  @Test
  void eachAccessApiRefusalLeavesOneLineWithoutTheToken() throws Exception {
    AccessApiClient client = new AccessApiClient(fixture);
    String wrongAudience = client.bearer(ServerFixture.TD.id("/ops/console"), "some-other-api");
    String good = client.bearer(ServerFixture.TD.id("/ops/console"), "signet-access");
    String tampered = good.substring(0, good.length() - 4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (String bearer : java.util.List.of(wrongAudience, tampered)) {
      try (CapturedLogs all = CapturedLogs.all()) {
        assertThat(client.get("/api/v1/identities", bearer).statusCode()).isEqualTo(401);

        assertThat(all.withField(LogFields.HTTP_STATUS)).hasSize(1);
        assertThat(CapturedLogs.fields(all.withField(LogFields.HTTP_STATUS).getFirst()))
            .containsEntry(LogFields.HTTP_STATUS, 401).containsEntry(LogFields.CALLER, "unauthenticated")
            .containsEntry(LogFields.METHOD, "REST GET /api/v1/identities");
        String token = bearer.substring("Bearer ".length());
        assertThat(all.text()).doesNotContain(token).doesNotContain(token.split("\\.")[2]);
      }
    }
    try (CapturedLogs all = CapturedLogs.all()) {
      assertThat(client.get("/api/v1/audit", good).statusCode()).as("not an admin").isEqualTo(403);

      assertThat(all.withField(LogFields.HTTP_STATUS)).hasSize(1);
      assertThat(CapturedLogs.fields(all.withField(LogFields.HTTP_STATUS).getFirst()))
          .containsEntry(LogFields.HTTP_STATUS, 403).containsEntry(LogFields.CALLER, "spiffe://example.org/ops/console");
      assertThat(all.text()).doesNotContain(good.substring("Bearer ".length()));
    }
  }

  @Test
  void anEvictionLeavesOneLine() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    try (CapturedLogs logs = CapturedLogs.of(AgentService.class)) {
      fixture.adminAgents().deleteAgent(DeleteAgentRequest.newBuilder().setId(ServerFixture.id(agent.id())).build());

      assertThat(onlyLine(logs, Level.INFO)).containsEntry(LogFields.AGENT_ID, agent.id());
      assertThat(logs.events().getFirst().getFormattedMessage()).isEqualTo("agent evicted");
    }
  }

  @Test
  void anAttestAgentStreamOutOfProtocolLeavesOneLineWithTheAddressButNotWhatWasSent() {
    String sent = "challenge-answer-5f0c1e9a7d3b";
    AttestAgentRequest answerFirst = AttestAgentRequest.newBuilder()
        .setChallengeResponse(ByteString.copyFrom(sent, StandardCharsets.UTF_8)).build();
    Map<AttestAgentRequest, String> refusals = Map.of(answerFirst, "expected params as the first message",
        AttestAgentRequest.getDefaultInstance(), "request has no step");
    refusals.forEach((request, why) -> {
      try (CapturedLogs call = CapturedLogs.of(AgentService.class); CapturedLogs all = CapturedLogs.all()) {
        assertThatThrownBy(() -> fixture.attest(request))
            .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));

        Map<String, Object> fields = onlyLine(call, Level.WARN);
        assertThat(fields.keySet()).containsExactly(LogFields.CODE, LogFields.METHOD, LogFields.CALLER_ADDRESS);
        assertThat(fields).containsEntry(LogFields.METHOD, "spire.api.server.agent.v1.Agent/AttestAgent");
        assertThat(String.valueOf(fields.get(LogFields.CALLER_ADDRESS))).contains("127.0.0.1");
        assertThat(call.events().getFirst().getFormattedMessage()).isEqualTo(why);
        assertThat(all.withField(LogFields.CODE)).hasSize(1);
        assertThat(all.text()).doesNotContain(sent);
      }
    });
  }

  @Test
  void eachRefusedBatchItemLeavesOneLineWithTheMethodCallerAndItem() {
    try (CapturedLogs logs = CapturedLogs.of(BatchItems.class)) {
      BatchDeleteEntryResponse response = fixture.adminEntries().batchDeleteEntry(BatchDeleteEntryRequest.newBuilder()
          .addIds("no-such-entry-1").addIds("no-such-entry-2").build());

      assertThat(response.getResultsList()).allSatisfy(r -> assertThat(r.getStatus().getCode())
          .isEqualTo(Status.Code.NOT_FOUND.value()));
      assertThat(logs.events()).hasSize(2);
      for (int i = 0; i < 2; i++) {
        ILoggingEvent line = logs.events().get(i);
        assertThat(line.getLevel()).isEqualTo(Level.WARN);
        assertThat(line.getFormattedMessage()).isEqualTo(response.getResults(i).getStatus().getMessage());
        Map<String, Object> fields = CapturedLogs.fields(line);
        assertThat(fields.keySet()).containsExactly(LogFields.CODE, LogFields.METHOD, LogFields.CALLER,
            LogFields.ENTRY_ID);
        assertThat(fields).containsEntry(LogFields.CODE, "NOT_FOUND")
            .containsEntry(LogFields.METHOD, "spire.api.server.entry.v1.Entry/BatchDeleteEntry")
            .containsEntry(LogFields.ENTRY_ID, "no-such-entry-" + (i + 1));
        assertThat(String.valueOf(fields.get(LogFields.CALLER))).startsWith("local");
      }
    }
  }
}
