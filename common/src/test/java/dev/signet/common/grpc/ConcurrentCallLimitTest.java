package dev.signet.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-caller budget, driven through the interceptor with hand-written calls; callers named by a header. */
class ConcurrentCallLimitTest {
  private static final Metadata.Key<String> CALLER = Metadata.Key.of("x-caller", Metadata.ASCII_STRING_MARSHALLER);
  private static final int LIMIT = 3;

  /** The fake credentials source: the caller is whatever the header says; "root" is not limited. */
  private final ConcurrentCallLimit limit = new ConcurrentCallLimit((call, headers) -> {
    String caller = headers.get(CALLER);
    return caller.equals("root") ? null : new ConcurrentCallLimit.Quota("uid " + caller, LIMIT);
  });
  private final List<FakeCall> started = new ArrayList<>();
  private final ServerCallHandler<String, String> handler = (call, headers) -> {
    started.add((FakeCall) unwrap(call));
    return new ServerCall.Listener<>() {};
  };

  @Test
  void callsBeyondTheBudgetAreResourceExhaustedWithoutReachingTheHandler() {
    List<ServerCall.Listener<String>> open = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      open.add(start("65534").listener());
    }
    Started refused = start("65534");

    assertThat(refused.call().closedWith).isNotNull();
    assertThat(refused.call().closedWith.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.call().closedWith.getDescription())
        .isEqualTo("uid 65534 already has 3 calls in progress, the most one caller may have at once");
    assertThat(started).hasSize(LIMIT);
    assertThat(limit.inProgress("uid 65534")).isEqualTo(LIMIT);
  }

  @Test
  void oneCallersFloodLeavesOtherCallersTheirWholeBudget() {
    for (int i = 0; i < 10; i++) {
      start("65534");
    }
    for (int i = 0; i < LIMIT; i++) {
      assertThat(start("1000").call().closedWith).isNull();
    }
    for (int i = 0; i < 10; i++) {
      assertThat(start("root").call().closedWith).as("an unlimited caller").isNull();
    }
    assertThat(limit.inProgress("uid 1000")).isEqualTo(LIMIT);
  }

  @Test
  void aSlotIsGivenBackOnceWhenTheCallEndsHoweverItEnds() {
    Started cancelled = start("7");
    Started completed = start("7");
    Started closed = start("7");
    assertThat(start("7").call().closedWith.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    cancelled.listener().onCancel();
    cancelled.listener().onCancel(); // twice: still one slot
    assertThat(limit.inProgress("uid 7")).isEqualTo(2);
    started.get(2).close(Status.OK, new Metadata()); // the handler's own close, as a stream that ends
    closed.listener().onComplete(); // then gRPC reports completion: not given back twice
    assertThat(limit.inProgress("uid 7")).isEqualTo(1);
    completed.listener().onComplete();
    assertThat(limit.inProgress("uid 7")).isZero();

    for (int i = 0; i < LIMIT; i++) {
      assertThat(start("7").call().closedWith).isNull();
    }
  }

  @Test
  void aHandlerThatThrowsGivesItsSlotBack() {
    ServerCallHandler<String, String> throwing = (call, headers) -> {
      throw new IllegalStateException("handler bug");
    };
    for (int i = 0; i < LIMIT + 1; i++) {
      assertThatThrownBy(() -> limit.interceptCall(new FakeCall(), headers("9"), throwing))
          .hasMessage("handler bug");
    }
    assertThat(limit.inProgress("uid 9")).isZero();
  }

  @Test
  void aBudgetBelowOneIsRefused() {
    assertThatThrownBy(() -> new ConcurrentCallLimit.Quota("uid 1", 0))
        .hasMessage("concurrent call limit 0 for uid 1 is below 1");
  }

  private record Started(FakeCall call, ServerCall.Listener<String> listener) {}

  private Started start(String caller) {
    FakeCall call = new FakeCall();
    return new Started(call, limit.interceptCall(call, headers(caller), handler));
  }

  private static Metadata headers(String caller) {
    Metadata headers = new Metadata();
    headers.put(CALLER, caller);
    return headers;
  }

  private static ServerCall<?, ?> unwrap(ServerCall<?, ?> call) {
    // The limiter hands the handler a forwarding call; closing it must close (and count) the real one.
    return new FakeCall.Delegating(call);
  }

  /** A call that records how it was closed. */
  static class FakeCall extends ServerCall<String, String> {
    Status closedWith;

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status status, Metadata trailers) {
      closedWith = status;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      return MethodDescriptor.<String, String>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test/Call").setRequestMarshaller(STRINGS).setResponseMarshaller(STRINGS).build();
    }

    /** The call as the handler sees it (the limiter's wrapper), closable from the test. */
    static final class Delegating extends FakeCall {
      @SuppressWarnings("unchecked")
      private final ServerCall<String, String> wrapped;

      @SuppressWarnings("unchecked")
      Delegating(ServerCall<?, ?> wrapped) {
        this.wrapped = (ServerCall<String, String>) wrapped;
      }

      @Override
      public void close(Status status, Metadata trailers) {
        wrapped.close(status, trailers);
      }
    }
  }

  private static final MethodDescriptor.Marshaller<String> STRINGS = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      throw new UnsupportedOperationException("not used");
    }
  };
}
