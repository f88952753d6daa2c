package dev.signet.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.JWTBundlesRequest;
import dev.signet.proto.workload.JWTBundlesResponse;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code workload_api}: the configured trust domain's JWT bundle out of a fake Workload API's first message. */
class WorkloadApiKeySourceTest {
  private static final TrustDomain DOMAIN = new TrustDomain("example.org");
  private static final Metadata.Key<String> HEADER = Metadata.Key.of("workload.spiffe.io", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir
  Path dir;
  private EventLoopGroup group;
  private Server server;
  private final AtomicReference<Map<String, ByteString>> bundles = new AtomicReference<>(Map.of());
  private final AtomicReference<String> header = new AtomicReference<>();

  private final class FakeWorkloadApi extends SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase {
    @Override
    public void fetchJWTBundles(JWTBundlesRequest request, StreamObserver<JWTBundlesResponse> observer) {
      observer.onNext(JWTBundlesResponse.newBuilder().putAllBundles(bundles.get()).build());
      // the stream stays open, as an agent's does: the source must cancel it
    }
  }

  @BeforeEach
  void start() throws Exception {
    group = UnixSockets.newEventLoopGroup(1);
    ServerInterceptor recordHeader = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        header.set(headers.get(HEADER));
        return next.startCall(call, headers);
      }
    };
    server = UnixSockets.serverBuilder(dir.resolve("api.sock"), group, group)
        .addService(ServerInterceptors.intercept(new FakeWorkloadApi(), recordHeader)).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  private static ByteString jwks(TrustDomain domain, JwtAuthority... keys) {
    Bundle bundle = Bundle.empty(domain);
    for (JwtAuthority key : keys) {
      bundle = bundle.withJwtAuthority(key);
    }
    return ByteString.copyFrom(JwksCodec.encode(bundle), StandardCharsets.UTF_8);
  }

  @Test
  void theConfiguredTrustDomainsKeysArePickedOutOfTheResponse() {
    JwtAuthority ours = JwtAuthority.of("ours", KeyType.EC_P256.generate().getPublic());
    JwtAuthority federated = JwtAuthority.of("theirs", KeyType.EC_P256.generate().getPublic());
    TrustDomain other = new TrustDomain("partner.example");
    bundles.set(Map.of(DOMAIN.idString(), jwks(DOMAIN, ours), other.idString(), jwks(other, federated)));
    try (WorkloadApiKeySource source = new WorkloadApiKeySource(dir.resolve("api.sock"), DOMAIN, Duration.ofSeconds(5))) {
      assertThat(source.fetch()).extracting(JwtAuthority::keyId).containsExactly("ours");
      assertThat(source.fetch()).extracting(JwtAuthority::keyId).as("a second poll on the same client").containsExactly("ours");
    }
    assertThat(header.get()).as("the workload api security header").isEqualTo("true");
  }

  @Test
  void aResponseWithoutTheTrustDomainIsAnErrorNamingWhatCame() {
    TrustDomain other = new TrustDomain("partner.example");
    bundles.set(Map.of(other.idString(), jwks(other, JwtAuthority.of("theirs", KeyType.EC_P256.generate().getPublic()))));
    try (WorkloadApiKeySource source = new WorkloadApiKeySource(dir.resolve("api.sock"), DOMAIN, Duration.ofSeconds(5))) {
      assertThatThrownBy(source::fetch).hasMessageContaining("no jwt bundle for \"example.org\"")
          .hasMessageContaining("spiffe://partner.example");
    }
  }
}
