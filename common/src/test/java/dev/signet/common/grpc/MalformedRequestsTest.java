package dev.signet.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.signet.common.testing.RawCalls;
import dev.signet.common.time.ManualClock;
import dev.signet.proto.transport.UnixSockets;
import dev.signet.proto.workload.SpiffeWorkloadAPIGrpc;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Garbage request bodies over a real Unix socket: answered INVALID_ARGUMENT naming the message, never
 * reaching the service, logged once per caller and interval, and no stack trace from grpc-java.
 */
class MalformedRequestsTest {
  private static final String FETCH_X509 = "SpiffeWorkloadAPI/FetchX509SVID";

  @TempDir Path temp;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AtomicInteger served = new AtomicInteger();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final List<LogRecord> grpcLogged = new CopyOnWriteArrayList<>();
  private final Handler grpcHandler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      grpcLogged.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final java.util.logging.Logger grpcLogger = java.util.logging.Logger.getLogger("io.grpc");
  private EventLoopGroup group;
  private Server server;
  private ManagedChannel channel;
  private String uid;

  @BeforeEach
  void start() throws Exception {
    uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[2];
    SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase service = new SpiffeWorkloadAPIGrpc.SpiffeWorkloadAPIImplBase() {
      @Override
      public void fetchX509SVID(X509SVIDRequest request, StreamObserver<X509SVIDResponse> responses) {
        served.incrementAndGet();
        responses.onNext(X509SVIDResponse.getDefaultInstance());
        responses.onCompleted();
      }
    };
    group = UnixSockets.newEventLoopGroup(1);
    Path socket = temp.resolve("api.sock");
    server = UnixSockets.serverBuilder(socket, group, group).directExecutor()
        .addService(new MalformedRequests(clock).guard(service.bindService())).build().start();
    channel = UnixSockets.channel(socket, group);
    logged.start();
    ((Logger) LoggerFactory.getLogger(MalformedRequests.class)).addAppender(logged);
    grpcLogger.addHandler(grpcHandler);
  }

  @AfterEach
  void stop() throws Exception {
    grpcLogger.removeHandler(grpcHandler);
    ((Logger) LoggerFactory.getLogger(MalformedRequests.class)).detachAppender(logged);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  private void assertGarbageRefused() {
    assertThatThrownBy(() -> RawCalls.call(channel, FETCH_X509, new Metadata(), RawCalls.GARBAGE))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).isEqualTo("request is not a valid X509SVIDRequest");
        });
  }

  @Test
  void garbageIsInvalidArgumentNamingTheMessageAndNeverReachesTheService() {
    assertGarbageRefused();

    assertThat(served).hasValue(0);
    assertThat(grpcLogged).as("grpc-java logged nothing (no stack trace)").isEmpty();
    // The same channel is still served with a valid request: nothing was broken by the garbage.
    assertThat(RawCalls.call(channel, FETCH_X509, new Metadata(), new byte[0])).isEmpty();
    assertThat(served).hasValue(1);
  }

  @Test
  void manyGarbageCallsLogOneLinePerCallerAndIntervalCountingTheRest() {
    for (int i = 0; i < 25; i++) {
      assertGarbageRefused();
    }
    assertThat(logged.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage())
          .isEqualTo("refused a malformed SpiffeWorkloadAPI/FetchX509SVID request from uid " + uid
              + ": it is not a valid X509SVIDRequest");
      assertThat(event.getThrowableProxy()).isNull();
    });

    clock.advance(MalformedRequests.LOG_INTERVAL.minusMillis(1));
    assertGarbageRefused();
    assertThat(logged.list).as("still inside the interval").hasSize(1);

    clock.advance(Duration.ofMillis(1));
    assertGarbageRefused();
    assertThat(logged.list).hasSize(2);
    assertThat(logged.list.get(1).getFormattedMessage())
        .endsWith("(and 25 more from uid " + uid + " not logged in the last 10 s)");
    assertThat(grpcLogged).isEmpty();
  }
}
