package dev.signet.gateway.x509;

import dev.signet.common.workload.X509Context;
import dev.signet.common.workload.X509Source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.gateway.TestPki;
import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The X509 source against a fake Workload API: an in-process gRPC server on a Unix socket. */
class X509SourceTest {
  private static final Metadata.Key<String> HEADER = Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

  private final TestPki pki = new TestPki("example.org");
  private final TestPki partner = new TestPki("partner.org");
  private final List<StreamObserver<X509SVIDResponse>> streams = new CopyOnWriteArrayList<>();
  private final List<String> headers = new CopyOnWriteArrayList<>();
  @TempDir Path dir;
  private EventLoopGroup group;
  private Server server;

  /** The fake agent: records the security header of each call and keeps every stream open for pushes. */
  private final class FakeWorkloadApi extends SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase {
    @Override
    public void fetchX509SVID(X509SVIDRequest request, StreamObserver<X509SVIDResponse> responses) {
      streams.add(responses);
    }
  }

  @BeforeEach
  void start() throws Exception {
    group = UnixSockets.newEventLoopGroup(1);
    ServerInterceptor recordHeader = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata metadata,
          ServerCallHandler<Q, R> next) {
        headers.add(String.valueOf(metadata.get(HEADER)));
        return Contexts.interceptCall(io.grpc.Context.current(), call, metadata, next);
      }
    };
    server = UnixSockets.serverBuilder(dir.resolve("api.sock"), group, group)
        .addService(ServerInterceptors.intercept(new FakeWorkloadApi(), recordHeader)).build().start();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
  }

  private X509SVIDResponse response(SvidKeyManager.KeyMaterial svid, String id) {
    return X509SVIDResponse.newBuilder().addSvids(X509SVID.newBuilder().setSpiffeId(id)
            .setX509Svid(ByteString.copyFrom(DerCodec.concat(svid.chain())))
            .setX509SvidKey(ByteString.copyFrom(svid.privateKey().getEncoded()))
            .setBundle(ByteString.copyFrom(DerCodec.concat(pki.bundle().x509Certificates()))))
        .putFederatedBundles("spiffe://partner.org", ByteString.copyFrom(DerCodec.concat(partner.bundle().x509Certificates())))
        .build();
  }

  private X509Source source() {
    return new X509Source(new WorkloadApiClient(dir.resolve("api.sock"), Duration.ofSeconds(5)), Optional.empty());
  }

  @Test
  void followsTheStreamSendingTheSecurityHeaderAndHandsEveryUpdateToListeners() throws Exception {
    try (X509Source source = source()) {
      List<X509Context> seen = new CopyOnWriteArrayList<>();
      source.addListener(seen::add);
      source.start();
      await().until(() -> streams.size() == 1);
      assertThat(headers).containsExactly("true");
      SvidKeyManager.KeyMaterial first = pki.svid("/gateway");
      streams.getFirst().onNext(response(first, "spiffe://example.org/gateway"));
      X509Context context = source.awaitFirst(Duration.ofSeconds(5));
      assertThat(context.id()).isEqualTo(pki.trustDomain.id("/gateway"));
      assertThat(context.svid().chain()).isEqualTo(first.chain());
      assertThat(context.bundles().keySet()).containsExactlyInAnyOrder(pki.trustDomain, TrustDomain.parse("partner.org"));

      SvidKeyManager.KeyMaterial rotated = pki.svid("/gateway");
      streams.getFirst().onNext(response(rotated, "spiffe://example.org/gateway"));
      await().until(() -> seen.size() == 2);
      assertThat(source.current().orElseThrow().svid().chain()).isEqualTo(rotated.chain());
    }
  }

  @Test
  void anUnusableUpdateIsIgnoredAndTheLastGoodSvidStays() throws Exception {
    try (X509Source source = source()) {
      source.start();
      await().until(() -> streams.size() == 1);
      SvidKeyManager.KeyMaterial good = pki.svid("/gateway");
      streams.getFirst().onNext(response(good, "spiffe://example.org/gateway"));
      source.awaitFirst(Duration.ofSeconds(5));
      // the leaf says /gateway, the response claims /admin: refused
      streams.getFirst().onNext(response(pki.svid("/gateway"), "spiffe://example.org/admin"));
      streams.getFirst().onNext(X509SVIDResponse.getDefaultInstance());
      SvidKeyManager.KeyMaterial next = pki.svid("/gateway");
      streams.getFirst().onNext(response(next, "spiffe://example.org/gateway"));
      await().until(() -> source.current().orElseThrow().svid().chain().equals(next.chain()));
    }
  }

  @Test
  void aStreamThatFailsIsOpenedAgainAndTheCurrentSvidStaysMeanwhile() throws Exception {
    try (X509Source source = source()) {
      source.start();
      await().until(() -> streams.size() == 1);
      streams.getFirst().onNext(response(pki.svid("/gateway"), "spiffe://example.org/gateway"));
      source.awaitFirst(Duration.ofSeconds(5));
      streams.getFirst().onError(Status.UNAVAILABLE.withDescription("agent restarting").asRuntimeException());
      await().until(() -> streams.size() == 2);
      assertThat(source.current()).isPresent();
      SvidKeyManager.KeyMaterial after = pki.svid("/gateway");
      streams.get(1).onNext(response(after, "spiffe://example.org/gateway"));
      await().until(() -> source.current().orElseThrow().svid().chain().equals(after.chain()));
    }
  }

  @Test
  void permissionDeniedWithdrawsTheSvidAtOnceAndANewIdentityIsUsedAgain() throws Exception {
    try (X509Source source = source()) {
      List<String> withdrawn = new CopyOnWriteArrayList<>();
      source.addWithdrawalListener(() -> withdrawn.add("withdrawn"));
      source.start();
      await().until(() -> streams.size() == 1);
      streams.getFirst().onNext(response(pki.svid("/gateway"), "spiffe://example.org/gateway"));
      source.awaitFirst(Duration.ofSeconds(5));

      // what an agent answers once this process has no identity (entry deleted, node banned)
      streams.getFirst().onError(Status.PERMISSION_DENIED.withDescription("no identity issued").asRuntimeException());
      await().until(() -> withdrawn.size() == 1);
      assertThat(source.current()).isEmpty();

      await().until(() -> streams.size() == 2);
      SvidKeyManager.KeyMaterial again = pki.svid("/gateway");
      streams.get(1).onNext(response(again, "spiffe://example.org/gateway"));
      await().until(() -> source.current().map(c -> c.svid().chain().equals(again.chain())).orElse(false));
    }
  }
}
