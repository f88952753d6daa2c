package dev.signet.benchmarks.sidebyside;

import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.CreateJoinTokenRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.server.svid.v1.SVIDGrpc;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.proto.spire.api.types.Selector;
import dev.signet.proto.spire.api.types.SelectorMatch;
import dev.signet.proto.spire.api.types.X509Certificate;
import dev.signet.proto.transport.UnixSockets;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The harness's one client of a server's admin socket (SPIRE's or Signet's, the same protobuf API): health,
 * join tokens, the bundle, entries, and the SVID service for the issuance load.
 */
final class AdminApi implements AutoCloseable {
  static final String TRUST_DOMAIN = "example.org";
  private static final int BATCH = 500;

  private final EventLoopGroup group = UnixSockets.newEventLoopGroup(2);
  private final ManagedChannel channel;

  AdminApi(Path socket) {
    this.channel = UnixSockets.channel(socket, group);
  }

  /** One health check with a short deadline: false while the server is not serving yet. */
  boolean serving() {
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** A join token valid for ten minutes. */
  String joinToken() {
    return AgentGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .createJoinToken(CreateJoinTokenRequest.newBuilder().setTtl(600).build()).getValue();
  }

  /** The trust domain's X.509 authorities as PEM, for an agent's {@code trust_bundle_path}. */
  String bundlePem() {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate authority : BundleGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .getBundle(GetBundleRequest.getDefaultInstance()).getX509AuthoritiesList()) {
      pem.append("-----BEGIN CERTIFICATE-----\n")
          .append(Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(authority.getAsn1().toByteArray()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return pem.toString();
  }

  /** Creates the entries in batches of 500; returns their ids; any refused entry fails the run. */
  List<String> create(List<Entry> entries) {
    List<String> ids = new ArrayList<>();
    for (int from = 0; from < entries.size(); from += BATCH) {
      BatchCreateEntryResponse response = EntryGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
          .batchCreateEntry(BatchCreateEntryRequest.newBuilder()
              .addAllEntries(entries.subList(from, Math.min(entries.size(), from + BATCH))).build());
      for (BatchCreateEntryResponse.Result result : response.getResultsList()) {
        if (result.getStatus().getCode() != 0) {
          throw new IllegalStateException("entry create refused: " + result.getStatus().getMessage());
        }
        ids.add(result.getEntry().getId());
      }
    }
    return ids;
  }

  void delete(List<String> ids) {
    EntryGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
        .batchDeleteEntry(BatchDeleteEntryRequest.newBuilder().addAllIds(ids).build());
  }

  /** ListEntries filtered by one exact selector, unpaged: the number of entries returned. */
  int countBySelector(String type, String value) {
    return list(ListEntriesRequest.Filter.newBuilder().setBySelectors(SelectorMatch.newBuilder()
        .addSelectors(Selector.newBuilder().setType(type).setValue(value))
        .setMatch(SelectorMatch.MatchBehavior.MATCH_EXACT)).build());
  }

  /** ListEntries filtered by parent ID, unpaged: the number of entries returned. */
  int countByParent(String parentPath) {
    return list(ListEntriesRequest.Filter.newBuilder()
        .setByParentId(SPIFFEID.newBuilder().setTrustDomain(TRUST_DOMAIN).setPath(parentPath)).build());
  }

  private int list(ListEntriesRequest.Filter filter) {
    return EntryGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
        .listEntries(ListEntriesRequest.newBuilder().setFilter(filter).build()).getEntriesCount();
  }

  SVIDGrpc.SVIDBlockingStub svid() {
    return SVIDGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** An entry {@code spiffe://example.org<path>} under {@code parentPath} with one {@code type:value} selector. */
  static Entry entry(String parentPath, String path, String selectorType, String selectorValue) {
    return Entry.newBuilder()
        .setSpiffeId(SPIFFEID.newBuilder().setTrustDomain(TRUST_DOMAIN).setPath(path))
        .setParentId(SPIFFEID.newBuilder().setTrustDomain(TRUST_DOMAIN).setPath(parentPath))
        .addSelectors(Selector.newBuilder().setType(selectorType).setValue(selectorValue))
        .build();
  }

  static String id(String path) {
    return "spiffe://" + TRUST_DOMAIN + path;
  }

  @Override
  public void close() {
    channel.shutdownNow();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }
}
