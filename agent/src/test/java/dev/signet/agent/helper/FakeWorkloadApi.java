package dev.signet.agent.helper;

import com.google.protobuf.ByteString;
import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.JWTBundlesRequest;
import dev.signet.proto.workload.JWTBundlesResponse;
import dev.signet.proto.workload.JWTSVID;
import dev.signet.proto.workload.JWTSVIDRequest;
import dev.signet.proto.workload.JWTSVIDResponse;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A hand-written Workload API on a Unix socket: X509 and JWT bundle streams stay open so the test pushes
 * updates; FetchJWTSVID answers tokens valid for {@link #jwtLifetimeSeconds} and records the audiences asked for.
 */
final class FakeWorkloadApi implements AutoCloseable {
  final List<StreamObserver<X509SVIDResponse>> x509Streams = new CopyOnWriteArrayList<>();
  final List<StreamObserver<JWTBundlesResponse>> bundleStreams = new CopyOnWriteArrayList<>();
  final List<List<String>> jwtAudiences = new CopyOnWriteArrayList<>();
  final AtomicReference<X509SVIDResponse> firstX509 = new AtomicReference<>();
  final AtomicReference<JWTBundlesResponse> firstBundles = new AtomicReference<>();
  final AtomicInteger jwtIssued = new AtomicInteger();
  volatile long jwtLifetimeSeconds = 3600;
  private final EventLoopGroup group = UnixSockets.newEventLoopGroup(1);
  private final Server server;

  FakeWorkloadApi(Path socket) throws java.io.IOException {
    server = UnixSockets.serverBuilder(socket, group, group).addService(new Service()).build().start();
  }

  /** A compact JWS whose claims are {@code sub}, {@code aud}, {@code exp}; the signature is not checked here. */
  static String token(String sub, List<String> audiences, Instant exp, int serial) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"ES256\",\"kid\":\"k\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"aud\":[\"" + String.join("\",\"", audiences)
        + "\"],\"exp\":" + exp.getEpochSecond() + ",\"n\":" + serial + "}").getBytes(StandardCharsets.UTF_8));
    return header + "." + claims + ".c2ln";
  }

  private final class Service extends SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase {
    @Override
    public void fetchX509SVID(X509SVIDRequest request, StreamObserver<X509SVIDResponse> responses) {
      x509Streams.add(responses);
      if (firstX509.get() != null) {
        responses.onNext(firstX509.get());
      }
    }

    @Override
    public void fetchJWTBundles(JWTBundlesRequest request, StreamObserver<JWTBundlesResponse> responses) {
      bundleStreams.add(responses);
      if (firstBundles.get() != null) {
        responses.onNext(firstBundles.get());
      }
    }

    @Override
    public void fetchJWTSVID(JWTSVIDRequest request, StreamObserver<JWTSVIDResponse> responses) {
      jwtAudiences.add(List.copyOf(request.getAudienceList()));
      int serial = jwtIssued.incrementAndGet();
      Instant exp = Instant.now().plusSeconds(jwtLifetimeSeconds);
      responses.onNext(JWTSVIDResponse.newBuilder()
          .addSvids(JWTSVID.newBuilder().setSpiffeId("spiffe://example.org/other").setHint("other")
              .setSvid(token("spiffe://example.org/other", request.getAudienceList(), exp, serial)))
          .addSvids(JWTSVID.newBuilder().setSpiffeId("spiffe://example.org/db").setHint("db")
              .setSvid(token("spiffe://example.org/db", request.getAudienceList(), exp, serial)))
          .build());
      responses.onCompleted();
    }
  }

  static ByteString bytes(String text) {
    return ByteString.copyFromUtf8(text);
  }

  @Override
  public void close() {
    server.shutdownNow();
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }
}
