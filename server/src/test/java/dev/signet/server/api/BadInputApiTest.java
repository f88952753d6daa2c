package dev.signet.server.api;

import static dev.signet.server.api.ServerFixture.TD;
import static dev.signet.server.api.ServerFixture.entry;
import static dev.signet.server.api.ServerFixture.id;
import static dev.signet.server.api.ServerFixture.selector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.testing.RawCalls;
import dev.signet.common.testing.TestCertificate;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.NodeFilter;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.proto.spire.api.server.agent.v1.ListAgentsRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchSetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.ListFederatedBundlesRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.BatchUpdateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.server.svid.v1.BatchNewX509SVIDRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.ListFederationRelationshipsRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.TrustDomainGrpc;
import dev.signet.proto.spire.api.server.svid.v1.NewX509SVIDParams;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.SelectorMatch;
import dev.signet.proto.spire.api.types.X509Certificate;
import dev.signet.server.endpoint.Endpoints;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Oversized and malformed requests are refused as a whole, with a status and a message that names the
 * size or the value, and leave everything stored exactly as it was.
 */
class BadInputApiTest extends SharedServerTest {
  private static final SpiffeId PARENT = TD.id("/spire/agent/join_token/bad-input");
  private static final int TOO_MANY = Paging.MAX_BATCH_SIZE + 1;
  private Entry existing;

  @BeforeAll
  void setUpEntry() throws Exception {
    existing = fixture.createEntry(entry("/bad-input/existing", PARENT).build());
  }

  /** Everything a refused request could have touched: entries, federated bundles, agents. */
  private record Stored(List<RegistrationEntry> entries, Set<String> bundles, List<AttestedNode> agents) {}

  private Stored stored() {
    var dataStore = fixture.dataStore();
    return new Stored(dataStore.listAllEntries(),
        dataStore.listBundles().stream().map(b -> b.trustDomain() + "=" + java.util.Arrays.hashCode(b.data()))
            .filter(b -> !b.startsWith(TD.name() + "=")).collect(Collectors.toSet()),
        dataStore.listAttestedNodes(NodeFilter.ALL, "", 0).items());
  }

  private void assertRefusedAndNothingChanged(Executable call, Status.Code code, String... messageParts) {
    Stored before = stored();
    assertThatThrownBy(call::execute).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(code);
      assertThat(e.getStatus().getDescription()).contains(messageParts);
    });
    assertThat(stored()).as("nothing stored changed").isEqualTo(before);
  }

  private static dev.signet.proto.spire.api.types.Bundle federated(String trustDomain) {
    TestCertificate.Issued ca = TestCertificate.ca(trustDomain).validity(Instant.now().minusSeconds(60),
        Instant.now().plusSeconds(86400)).issue();
    try {
      return dev.signet.proto.spire.api.types.Bundle.newBuilder().setTrustDomain(trustDomain)
          .addX509Authorities(X509Certificate.newBuilder().setAsn1(ByteString.copyFrom(ca.certificate().getEncoded())))
          .build();
    } catch (CertificateEncodingException e) {
      throw new AssertionError(e);
    }
  }

  // ---- request bodies

  /** The finding: a body that is not protobuf was UNKNOWN with a stack trace in the server's log per call. */
  @Test
  void aRequestBodyThatIsNotProtobufIsInvalidArgumentOnTheUnauthenticatedPort() {
    var channel = fixture.anonymous();
    for (int i = 0; i < 3; i++) {
      assertRefusedAndNothingChanged(() -> RawCalls.call(channel, "spire.api.server.agent.v1.Agent/AttestAgent",
          new Metadata(), RawCalls.GARBAGE), Status.Code.INVALID_ARGUMENT,
          "request is not a valid spire.api.server.agent.v1.AttestAgentRequest");
    }
    assertRefusedAndNothingChanged(() -> RawCalls.call(channel, "spire.api.server.bundle.v1.Bundle/GetBundle",
        new Metadata(), RawCalls.GARBAGE), Status.Code.INVALID_ARGUMENT,
        "request is not a valid spire.api.server.bundle.v1.GetBundleRequest");
  }

  // ---- pages

  /**
   * The finding: a made-up token on the listings ordered by trust domain answered some other page; the
   * listings ordered by sequence already refused it (datastore Paging). Every list RPC now refuses a token
   * it did not issue with INVALID_ARGUMENT quoting it.
   */
  @Test
  void aPageTokenNotIssuedByTheServerIsRefusedQuotingIt() {
    for (String token : List.of("garbage!", "-1", "0", "1.5", "UPPER.case", "a b")) {
      String quoted = "could not parse page token \"" + token + "\"";
      assertRefusedAndNothingChanged(() -> fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder()
          .setPageToken(token).build()), Status.Code.INVALID_ARGUMENT, quoted);
      assertRefusedAndNothingChanged(() -> fixture.adminAgents().listAgents(ListAgentsRequest.newBuilder()
          .setPageToken(token).build()), Status.Code.INVALID_ARGUMENT, quoted);
      if (token.contains(" ") || token.contains("!") || !token.equals(token.toLowerCase())) {
        assertRefusedAndNothingChanged(() -> fixture.adminBundles().listFederatedBundles(
            ListFederatedBundlesRequest.newBuilder().setPageToken(token).build()), Status.Code.INVALID_ARGUMENT,
            quoted);
        assertRefusedAndNothingChanged(() -> TrustDomainGrpc.newBlockingStub(fixture.admin)
            .withDeadlineAfter(20, TimeUnit.SECONDS).listFederationRelationships(
                ListFederationRelationshipsRequest.newBuilder().setPageToken(token).build()),
            Status.Code.INVALID_ARGUMENT, quoted);
      }
    }
  }

  @Test
  void aPageSizeAboveTheMaximumIsRefusedNamingBothNumbers() {
    int tooBig = Paging.MAX_PAGE_SIZE + 1;
    String[] message = {"page_size " + tooBig, "maximum of " + Paging.MAX_PAGE_SIZE};
    assertRefusedAndNothingChanged(() -> fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder()
        .setPageSize(tooBig).build()), Status.Code.INVALID_ARGUMENT, message);
    assertRefusedAndNothingChanged(() -> fixture.adminAgents().listAgents(ListAgentsRequest.newBuilder()
        .setPageSize(tooBig).build()), Status.Code.INVALID_ARGUMENT, message);
    assertRefusedAndNothingChanged(() -> fixture.adminBundles().listFederatedBundles(ListFederatedBundlesRequest
        .newBuilder().setPageSize(Integer.MAX_VALUE).build()), Status.Code.INVALID_ARGUMENT,
        "page_size " + Integer.MAX_VALUE);

    assertThat(fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder()
        .setPageSize(Paging.MAX_PAGE_SIZE).build()).getEntriesList()).extracting(Entry::getId).contains(existing.getId());
  }

  // ---- batches

  @Test
  void anOversizedBatchCreateEntryStoresNothing() {
    BatchCreateEntryRequest.Builder request = BatchCreateEntryRequest.newBuilder();
    for (int i = 0; i < TOO_MANY; i++) {
      request.addEntries(entry("/bad-input/bulk/" + i, PARENT));
    }
    assertRefusedAndNothingChanged(() -> fixture.adminEntries().batchCreateEntry(request.build()),
        Status.Code.INVALID_ARGUMENT, "batch of " + TOO_MANY + " entries", "maximum of " + Paging.MAX_BATCH_SIZE);
  }

  @Test
  void anOversizedBatchUpdateEntryChangesNothing() {
    BatchUpdateEntryRequest.Builder request = BatchUpdateEntryRequest.newBuilder();
    for (int i = 0; i < TOO_MANY; i++) {
      request.addEntries(existing.toBuilder().setHint("changed-" + i));
    }
    assertRefusedAndNothingChanged(() -> fixture.adminEntries().batchUpdateEntry(request.build()),
        Status.Code.INVALID_ARGUMENT, "batch of " + TOO_MANY + " entries");
  }

  @Test
  void anOversizedBatchDeleteEntryDeletesNothing() {
    BatchDeleteEntryRequest.Builder request = BatchDeleteEntryRequest.newBuilder().addIds(existing.getId());
    for (int i = 1; i < TOO_MANY; i++) {
      request.addIds("no-such-entry-" + i);
    }
    assertRefusedAndNothingChanged(() -> fixture.adminEntries().batchDeleteEntry(request.build()),
        Status.Code.INVALID_ARGUMENT, "batch of " + TOO_MANY + " entry ids");
  }

  @Test
  void anOversizedBatchSetFederatedBundleStoresNoBundle() {
    var one = federated("bulk.test");
    BatchSetFederatedBundleRequest.Builder request = BatchSetFederatedBundleRequest.newBuilder();
    for (int i = 0; i < TOO_MANY; i++) {
      request.addBundle(one.toBuilder().setTrustDomain("bulk-" + i + ".test"));
    }
    assertRefusedAndNothingChanged(() -> fixture.adminBundles().batchSetFederatedBundle(request.build()),
        Status.Code.INVALID_ARGUMENT, "batch of " + TOO_MANY + " bundles");
  }

  @Test
  void anOversizedBatchNewX509SvidIssuesNothing() {
    ServerFixture.Identity agent = fixture.attestNewAgent();
    Entry workload = fixture.createEntry(entry("/bad-input/workload", agent.id()).build());
    NewX509SVIDParams params = NewX509SVIDParams.newBuilder().setEntryId(workload.getId())
        .setCsr(ByteString.copyFrom(Csrs.forKey(KeyType.EC_P256.generate()))).build();
    BatchNewX509SVIDRequest.Builder request = BatchNewX509SVIDRequest.newBuilder();
    for (int i = 0; i < TOO_MANY; i++) {
      request.addParams(params);
    }
    var svids = SVIDGrpc.newBlockingStub(fixture.mtls(agent)).withDeadlineAfter(20, TimeUnit.SECONDS);
    assertRefusedAndNothingChanged(() -> svids.batchNewX509SVID(request.build()),
        Status.Code.INVALID_ARGUMENT, "batch of " + TOO_MANY + " svid params");
    assertThat(svids.batchNewX509SVID(BatchNewX509SVIDRequest.newBuilder().addParams(params).build())
        .getResults(0).getStatus().getCode()).as("a normal batch still works").isZero();
  }

  // ---- message size

  @Test
  void theAdminSocketTakesMessagesUpToTheLimitAndRefusesLargerOnes() {
    String longId = "x".repeat(1000);
    BatchDeleteEntryRequest.Builder large = BatchDeleteEntryRequest.newBuilder();
    for (int i = 0; i < 5000; i++) {
      large.addIds(longId);
    }
    // ~5 MB: above gRPC's 4 MiB default, so this shows the admin socket has the larger limit too.
    BatchDeleteEntryResponse answer = fixture.adminEntries().withMaxInboundMessageSize(64 << 20)
        .batchDeleteEntry(large.build());
    assertThat(answer.getResultsList()).extracting(r -> r.getStatus().getCode())
        .containsOnly(Status.Code.NOT_FOUND.value());

    BatchDeleteEntryRequest.Builder tooLarge = BatchDeleteEntryRequest.newBuilder().addIds(existing.getId());
    String hugeId = "y".repeat(4000);
    for (int i = 0; i < 4500; i++) {
      tooLarge.addIds(hugeId);
    }
    assertThat(tooLarge.build().getSerializedSize()).isGreaterThan(Endpoints.MAX_INBOUND_MESSAGE_BYTES);
    assertRefusedAndNothingChanged(() -> fixture.adminEntries().batchDeleteEntry(tooLarge.build()),
        Status.Code.RESOURCE_EXHAUSTED, String.valueOf(Endpoints.MAX_INBOUND_MESSAGE_BYTES));
  }

  @Test
  void theTcpEndpointRefusesAMessageOverTheLimit() {
    byte[] payload = new byte[Endpoints.MAX_TCP_INBOUND_MESSAGE_BYTES + 1];
    assertRefusedAndNothingChanged(() -> fixture.attest(ServerFixture.joinTokenParams(
        new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1), Csrs.forKey(KeyType.EC_P256.generate()))),
        Status.Code.RESOURCE_EXHAUSTED, String.valueOf(Endpoints.MAX_TCP_INBOUND_MESSAGE_BYTES));
  }

  // ---- selectors: what SPIRE refuses is refused, what SPIRE stores is stored

  @Test
  void selectorsThatSpireRefusesAreRefusedPerItemAndNotStored() {
    Stored before = stored();
    BatchCreateEntryResponse response = fixture.adminEntries().batchCreateEntry(BatchCreateEntryRequest.newBuilder()
        .addEntries(entry("/sel/no-type", PARENT).clearSelectors().addSelectors(selector("", "uid:1000")))
        .addEntries(entry("/sel/colon", PARENT).clearSelectors().addSelectors(selector("unix:uid", "1000")))
        .addEntries(entry("/sel/no-value", PARENT).clearSelectors().addSelectors(selector("unix", "")))
        .addEntries(entry("/sel/long-type", PARENT).clearSelectors().addSelectors(selector("t".repeat(256), "v")))
        .addEntries(entry("/sel/long-value", PARENT).clearSelectors().addSelectors(selector("unix", "v".repeat(2049))))
        .addEntries(entry("/sel/none", PARENT).clearSelectors())
        .build());

    assertThat(response.getResultsList()).extracting(r -> r.getStatus().getCode())
        .containsOnly(Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.getResultsList()).extracting(r -> r.getStatus().getMessage()).satisfiesExactly(
        m -> assertThat(m).contains("selector type is missing"),
        m -> assertThat(m).contains("\"unix:uid\"", "must not contain ':'"),
        m -> assertThat(m).contains("\"unix\"", "has no value"),
        m -> assertThat(m).contains("256 characters", "maximum of 255"),
        m -> assertThat(m).contains("2049 characters", "maximum of 2048"),
        m -> assertThat(m).contains("selector"));
    assertThat(stored()).as("nothing stored changed").isEqualTo(before);

    assertRefusedAndNothingChanged(() -> fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder()
        .setFilter(ListEntriesRequest.Filter.newBuilder().setBySelectors(SelectorMatch.newBuilder()
            .addSelectors(selector("k8s:ns", "default")))).build()),
        Status.Code.INVALID_ARGUMENT, "\"k8s:ns\"");
  }

  @Test
  void selectorsThatSpireAcceptsAreStoredAsGiven() {
    List<dev.signet.proto.spire.api.types.Selector> accepted = List.of(
        selector("K8S", "ns:Default"),
        selector("my plugin", "some value with spaces"),
        selector("unix", "uid:not-a-number"),
        selector("docker", "label:com.example.team:payments"),
        selector("t".repeat(255), "v".repeat(2048)));
    for (var sel : accepted) {
      Entry created = fixture.createEntry(entry("/sel/ok/" + Math.abs(sel.hashCode()), PARENT).clearSelectors()
          .addSelectors(sel).build());
      assertThat(created.getSelectorsList()).containsExactly(sel);
    }
  }
}
