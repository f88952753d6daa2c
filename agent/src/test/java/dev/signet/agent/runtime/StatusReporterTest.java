package dev.signet.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.SignetVersion;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.PostStatusRequest;
import dev.signet.proto.spire.api.server.agent.v1.PostStatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's PostStatus: version and bundle serial sent; a server without it (UNIMPLEMENTED, or SPIRE
 * v1.13.3's PERMISSION_DENIED) is asked once only.
 */
class StatusReporterTest {

  @Test
  void postsTheBuildsVersionAndTheBundleSerial() throws Exception {
    List<PostStatusRequest> received = new CopyOnWriteArrayList<>();
    Server server = start(new AgentGrpc.AgentImplBase() {
      @Override
      public void postStatus(PostStatusRequest request, StreamObserver<PostStatusResponse> out) {
        received.add(request);
        out.onNext(PostStatusResponse.getDefaultInstance());
        out.onCompleted();
      }
    });
    ManagedChannel channel = channel(server);
    try {
      assertThat(new StatusReporter().report(channel, 7)).isTrue();
    } finally {
      stop(channel, server);
    }
    assertThat(SignetVersion.get()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(received).singleElement().satisfies(r -> {
      assertThat(r.getAgentVersion()).isEqualTo(SignetVersion.get());
      assertThat(r.getCurrentBundleSerial()).isEqualTo(7);
    });
  }

  @Test
  void aServerThatDoesNotImplementItIsAskedOnceAndOtherFailuresAreRetried() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    Server unimplemented = start(new AgentGrpc.AgentImplBase() {
      @Override
      public void postStatus(PostStatusRequest request, StreamObserver<PostStatusResponse> out) {
        calls.add("unimplemented");
        out.onError(Status.UNIMPLEMENTED.withDescription("unimplemented").asRuntimeException());
      }
    });
    Server unavailable = start(new AgentGrpc.AgentImplBase() {
      @Override
      public void postStatus(PostStatusRequest request, StreamObserver<PostStatusResponse> out) {
        calls.add("unavailable");
        out.onError(Status.UNAVAILABLE.asRuntimeException());
      }
    });
    Server denied = start(new AgentGrpc.AgentImplBase() {
      @Override
      public void postStatus(PostStatusRequest request, StreamObserver<PostStatusResponse> out) {
        calls.add("denied");
        out.onError(Status.PERMISSION_DENIED.withDescription(
            "authorization denied for method /spire.api.server.agent.v1.Agent/PostStatus").asRuntimeException());
      }
    });
    ManagedChannel toUnimplemented = channel(unimplemented);
    ManagedChannel toUnavailable = channel(unavailable);
    ManagedChannel toDenied = channel(denied);
    try {
      StatusReporter older = new StatusReporter();
      assertThat(older.report(toUnimplemented, 1)).isFalse();
      assertThat(older.report(toUnimplemented, 2)).isFalse();

      StatusReporter spire113 = new StatusReporter();
      assertThat(spire113.report(toDenied, 1)).isFalse();
      assertThat(spire113.report(toDenied, 2)).isFalse();

      StatusReporter flaky = new StatusReporter();
      assertThat(flaky.report(toUnavailable, 1)).isFalse();
      assertThat(flaky.report(toUnavailable, 1)).isFalse();
    } finally {
      stop(toUnimplemented, unimplemented);
      stop(toUnavailable, unavailable);
      stop(toDenied, denied);
    }
    assertThat(calls).containsExactly("unimplemented", "denied", "unavailable", "unavailable");
  }

  private static Server start(AgentGrpc.AgentImplBase service) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
  }

  private static ManagedChannel channel(Server server) {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  private static void stop(ManagedChannel channel, Server server) throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
