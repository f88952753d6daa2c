package dev.signet.server.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.testing.TestCertificate;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.RenewAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.RenewAgentResponse;
import dev.signet.server.endpoint.Caller;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A datastore failure while the interceptor checks an agent must reach the agent as a status it can act
 * on (UNAVAILABLE: retry; INTERNAL: a server problem) naming the cause, never as UNKNOWN, and must not let
 * the call through.
 */
class AuthorizationInterceptorTest {
  private static final SpiffeId AGENT = SpiffeId.parse("spiffe://example.org/spire/agent/join_token/t1");

  /** A datastore whose every operation fails with {@code kind} (a hand-written fake: a dynamic proxy). */
  private static DataStore failingDataStore(DataStoreException.Kind kind) {
    return (DataStore) Proxy.newProxyInstance(DataStore.class.getClassLoader(), new Class<?>[] {DataStore.class},
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("toString") ? "failing datastore" : method.invoke(proxy, args);
          }
          throw new DataStoreException(kind, "database \"signet\" is not reachable: connection refused");
        });
  }

  /** Stands in for {@code CallerInterceptor}: every call comes from {@link #AGENT} over mTLS. */
  private static ServerInterceptor agentCaller() {
    TestCertificate.Issued ca = TestCertificate.ca("example.org").issue();
    TestCertificate.Issued leaf = TestCertificate.leaf(AGENT.toString(), ca).issue();
    Caller caller = new Caller.X509(AGENT, List.of(leaf.certificate(), ca.certificate()));
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return Contexts.interceptCall(Context.current().withValue(Caller.CONTEXT_KEY, caller), call, headers, next);
      }
    };
  }

  @ParameterizedTest
  @CsvSource({"UNAVAILABLE, UNAVAILABLE", "INTERNAL, INTERNAL", "CONFLICT, INTERNAL"})
  void aDatastoreFailureDuringTheAgentCheckIsReportedWithACodeAndTheCause(DataStoreException.Kind kind,
      Status.Code expected) throws Exception {
    AtomicBoolean serviceRan = new AtomicBoolean();
    AgentGrpc.AgentImplBase service = new AgentGrpc.AgentImplBase() {
      @Override
      public void renewAgent(RenewAgentRequest request, StreamObserver<RenewAgentResponse> out) {
        serviceRan.set(true);
        out.onNext(RenewAgentResponse.getDefaultInstance());
        out.onCompleted();
      }
    };
    AuthorizationInterceptor authorization = new AuthorizationInterceptor(
        new AgentAuthorizer(failingDataStore(kind), Clock.systemUTC()), id -> false, id -> false);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(service, authorization, agentCaller()))
        .build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      AgentGrpc.AgentBlockingStub agents = AgentGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
      assertThatThrownBy(() -> agents.renewAgent(RenewAgentRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(expected);
            assertThat(e.getStatus().getDescription())
                .contains("unable to look up agent information")
                .contains(AGENT.toString())
                .contains("connection refused");
          });
      assertThat(serviceRan).as("the call must not reach the service").isFalse();
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
