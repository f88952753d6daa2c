package dev.signet.proto.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-shot channel against grpc-java's own Netty server on a real Unix socket: answers, statuses, metadata,
 * deadlines and bodies over many frames and past the default flow-control windows; and against a raw socket that
 * breaks the protocol.
 */
class OneShotChannelTest {
  /** Request bytes: the size of the answer to send back, as text; the answer is that many bytes of 'x'. */
  private static final MethodDescriptor<byte[], byte[]> SIZED = bytesMethod("test.Bytes/Sized");
  /** Answers with the request's bytes. */
  private static final MethodDescriptor<byte[], byte[]> ECHO = bytesMethod("test.Bytes/Echo");
  /** Fails with the status named by the request ("code:description"). */
  private static final MethodDescriptor<byte[], byte[]> FAIL = bytesMethod("test.Bytes/Fail");
  /** Never answers. */
  private static final MethodDescriptor<byte[], byte[]> HANG = bytesMethod("test.Bytes/Hang");
  private static final Metadata.Key<String> TAG = Metadata.Key.of("x-tag", Metadata.ASCII_STRING_MARSHALLER);

  @TempDir Path temp;
  private Path socket;
  private EventLoopGroup group;
  private Server server;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    socket = temp.resolve("admin.sock");
    group = UnixSockets.newEventLoopGroup(1);
    ServerServiceDefinition bytes = ServerServiceDefinition.builder("test.Bytes")
        .addMethod(SIZED, ServerCalls.asyncUnaryCall((request, response) -> {
          byte[] answer = new byte[Integer.parseInt(new String(request))];
          Arrays.fill(answer, (byte) 'x');
          response.onNext(answer);
          response.onCompleted();
        }))
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
          response.onNext(request);
          response.onCompleted();
        }))
        .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, response) -> {
          String[] parts = new String(request, java.nio.charset.StandardCharsets.UTF_8).split(":", 2);
          response.onError(Status.fromCodeValue(Integer.parseInt(parts[0])).withDescription(parts[1])
              .asRuntimeException());
        }))
        .addMethod(HANG, ServerCalls.asyncUnaryCall((request, response) -> { }))
        .build();
    HealthStatusManager health = new HealthStatusManager();
    server = UnixSockets.serverBuilder(socket, group, group)
        .addService(health.getHealthService())
        .addService(ServerInterceptors.intercept(bytes, new TagEcho()))
        .build().start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  @Test
  void aUnaryCallThroughAGeneratedStubIsAnswered() {
    HealthCheckResponse response = HealthGrpc.newBlockingStub(new OneShotChannel(socket))
        .withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());

    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void aRequestOverManyFramesAndBeyondTheDefaultWindowArrivesWhole() {
    byte[] request = new byte[300_000];
    for (int i = 0; i < request.length; i++) {
      request[i] = (byte) (i * 31);
    }

    assertThat(call(ECHO, request, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS))).isEqualTo(request);
  }

  @Test
  void aResponseOfThreeMegabytesIsReadWhole() {
    byte[] answer = call(SIZED, "3000000".getBytes(), CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));

    assertThat(answer).hasSize(3_000_000).containsOnly('x');
  }

  @Test
  void aResponseOverTheFourMebibyteLimitIsResourceExhausted() {
    assertThatThrownBy(() -> call(SIZED, "5000000".getBytes(), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void theServersStatusAndItsNonAsciiDescriptionArriveAsSent() {
    String description = "entry \"spiffe://example.org/ü\" 100% gone\nsecond line";

    assertThatThrownBy(() -> call(FAIL, ("5:" + description).getBytes(java.nio.charset.StandardCharsets.UTF_8),
        CallOptions.DEFAULT))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).isEqualTo(description);
        });
  }

  @Test
  void headersOfTheCallReachTheServerAndItsTrailersComeBack() {
    Metadata headers = new Metadata();
    headers.put(TAG, "seen-by-server");
    Metadata[] trailers = new Metadata[1];
    OneShotChannel channel = new OneShotChannel(socket);
    var call = channel.newCall(FAIL, CallOptions.DEFAULT);
    CountDownLatch closed = new CountDownLatch(1);
    call.start(new io.grpc.ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata received) {
        trailers[0] = received;
        closed.countDown();
      }
    }, headers);
    call.sendMessage("9:refused".getBytes());
    call.halfClose();

    assertThat(closed.getCount()).isZero();
    assertThat(trailers[0].get(TAG)).isEqualTo("seen-by-server");
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsDeadlineExceeded() {
    assertThatThrownBy(() -> call(HANG, new byte[0], CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS)))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
  }

  @Test
  void aMissingSocketIsUnavailableWithTheCause() {
    OneShotChannel channel = new OneShotChannel(temp.resolve("nothing-here.sock"));

    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, new byte[1]))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(e.getStatus().getDescription()).isEqualTo("io exception");
          assertThat(e.getStatus().getCause()).isInstanceOf(IOException.class);
        });
  }

  @Test
  void streamingMethodsAreRefused() {
    MethodDescriptor<byte[], byte[]> stream = bytesMethod("test.Bytes/Stream").toBuilder()
        .setType(MethodDescriptor.MethodType.SERVER_STREAMING).build();

    assertThatThrownBy(() -> new OneShotChannel(socket).newCall(stream, CallOptions.DEFAULT))
        .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("not unary");
  }

  @Test
  void aPeerThatIsNotHttp2IsAnErrorNotAHang() throws Exception {
    StatusRuntimeException e = callRawPeer(accepted ->
        accepted.write(ByteBuffer.wrap("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n".getBytes())));

    assertThat(e.getStatus().getCode()).isIn(Status.Code.INTERNAL, Status.Code.UNAVAILABLE);
  }

  @Test
  void aPeerThatResetsTheStreamGivesTheMappedStatus() throws Exception {
    // an empty SETTINGS, then RST_STREAM(1, REFUSED_STREAM)
    StatusRuntimeException e = callRawPeer(accepted -> accepted.write(ByteBuffer.allocate(9 + 9 + 4)
        .put(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0})
        .put(new byte[] {0, 0, 4, 3, 0, 0, 0, 0, 1}).putInt(7).flip()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).contains("reset the stream");
  }

  @Test
  void aMalformedSettingsFrameIsInternal() throws Exception {
    // SETTINGS whose length is not a multiple of six
    StatusRuntimeException e = callRawPeer(accepted -> accepted.write(ByteBuffer.allocate(9 + 7)
        .put(new byte[] {0, 0, 7, 4, 0, 0, 0, 0, 0}).put(new byte[7]).flip()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getStatus().getDescription()).contains("SETTINGS frame of 7 bytes");
  }

  @Test
  void aHeaderBlockThatIsNotHpackIsInternal() throws Exception {
    // HEADERS on stream 1 (END_HEADERS) whose block indexes a table entry that does not exist
    StatusRuntimeException e = callRawPeer(accepted -> accepted.write(ByteBuffer.allocate(9 + 9 + 2)
        .put(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0})
        .put(new byte[] {0, 0, 2, 1, 4, 0, 0, 0, 1}).put((byte) 0xff).put((byte) 0x7f).flip()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getStatus().getDescription()).contains("cannot decode the response headers");
  }

  @Test
  void aFrameLargerThanTheMaximumIsInternal() throws Exception {
    // a DATA frame of 16,385 bytes, one more than this client allows without having said otherwise
    StatusRuntimeException e = callRawPeer(accepted -> accepted.write(ByteBuffer.allocate(9 + 9)
        .put(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0})
        .put(new byte[] {0, 0x40, 0x01, 0, 0, 0, 0, 0, 1}).flip()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getStatus().getDescription()).contains("exceeds the maximum");
  }

  /** What a raw peer on a socket of its own writes first; it then reads what the client sends until it hangs up. */
  private interface PeerScript {
    void play(SocketChannel accepted) throws IOException;
  }

  /** A call to a raw peer playing {@code script}: the failure the call ends with. */
  private StatusRuntimeException callRawPeer(PeerScript script) throws Exception {
    Path raw = temp.resolve("raw.sock");
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(raw));
      Thread peer = Thread.ofVirtual().start(() -> {
        try (SocketChannel accepted = listener.accept()) {
          script.play(accepted);
          ByteBuffer sink = ByteBuffer.allocate(1024);
          while (accepted.read(sink.clear()) >= 0) {
            // discarded
          }
        } catch (IOException e) {
          // the client hung up while the peer wrote or read: the call's outcome is what is checked
        }
      });
      try {
        ClientCalls.blockingUnaryCall(new OneShotChannel(raw), ECHO,
            CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), new byte[1]);
        throw new AssertionError("the call to a raw peer succeeded");
      } catch (StatusRuntimeException e) {
        return e;
      } finally {
        peer.join();
      }
    }
  }

  private byte[] call(MethodDescriptor<byte[], byte[]> method, byte[] request, CallOptions options) {
    return ClientCalls.blockingUnaryCall(new OneShotChannel(socket), method, options, request);
  }

  /** Copies the caller's {@code x-tag} header into the trailers. */
  private static final class TagEcho implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      String tag = headers.get(TAG);
      return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void close(Status status, Metadata trailers) {
          if (tag != null) {
            trailers.put(TAG, tag);
          }
          super.close(status, trailers);
        }
      }, headers);
    }
  }

  private static MethodDescriptor<byte[], byte[]> bytesMethod(String name) {
    MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
    return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(name).setRequestMarshaller(raw).setResponseMarshaller(raw).build();
  }
}
