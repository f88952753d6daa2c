package dev.signet.common.grpc;

import com.google.protobuf.Message;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request message that does not parse with INVALID_ARGUMENT ("request is not a valid
 * spire.api.server.agent.v1.AttestAgentRequest") and logs it at most once per caller per
 * {@link #LOG_INTERVAL}; apply it with {@link #guard} to every service of every listener.
 *
 * <p>Why not a {@link io.grpc.ServerInterceptor}: grpc-java parses a request before any interceptor's
 * listener sees it; when the marshaller throws, the call is closed with UNKNOWN ("Application error
 * processing RPC") and the exception is rethrown to the executor, which logs a stack trace per call. An
 * interceptor can neither catch that nor choose the code. So {@link #guard} rebinds each method with a
 * request marshaller that answers null for a message it cannot parse (a protobuf parser never yields null,
 * so null means exactly that), and an outermost handler closes such a call with INVALID_ARGUMENT before
 * the service, or any interceptor inside it, sees the message.
 *
 * <p>Security: the agent's Workload API socket and the server's TCP port take requests from callers
 * that have not proven anything yet, so a malformed request is their mistake (or a probe), not our bug:
 * it gets the code for bad input, and its log lines are bounded per caller (uid on a Unix socket, IP
 * address on TCP; see {@link PerSourceLogThrottle}) so that a flood neither fills the disk nor buries
 * other lines. Each logged line counts the calls that were not logged since the previous one.
 */
public final class MalformedRequests {
  /** At most one line per caller in this interval. */
  public static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(MalformedRequests.class);

  private final PerSourceLogThrottle throttle;

  /** Logs against the system clock. */
  public MalformedRequests() {
    this(Clock.systemUTC());
  }

  /** Logs against {@code clock} (the seam for tests of the log interval). */
  public MalformedRequests(Clock clock) {
    this.throttle = new PerSourceLogThrottle(LOG_INTERVAL, clock);
  }

  /** {@code service} with every method's requests checked as described above; apply it outermost. */
  public ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    var methods = service.getMethods().stream().map(this::guard).toList();
    methods.forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
    ServerServiceDefinition.Builder guarded = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(guarded::addMethod);
    return guarded.build();
  }

  private <Q, R> ServerMethodDefinition<Q, R> guard(ServerMethodDefinition<Q, R> definition) {
    MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> requests = method.getRequestMarshaller();
    MethodDescriptor.Marshaller<Q> lenient = requests instanceof MethodDescriptor.PrototypeMarshaller<Q> prototype
        ? new LenientPrototypeMarshaller<>(prototype)
        : new LenientMarshaller<>(requests);
    MethodDescriptor<Q, R> rebound = method.toBuilder(lenient, method.getResponseMarshaller()).build();
    return ServerMethodDefinition.create(rebound,
        new Handler<>(definition.getServerCallHandler(), method));
  }

  private static String messageName(MethodDescriptor<?, ?> method) {
    if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> prototype
        && prototype.getMessagePrototype() instanceof Message message) {
      return message.getDescriptorForType().getFullName();
    }
    return "request message of " + method.getFullMethodName();
  }

  /** Who sent the call, as the log names it: the uid on a Unix socket, the IP address on TCP. */
  static String source(ServerCall<?, ?> call) {
    PeerCredentials credentials = call.getAttributes().get(PeerCredentials.TRANSPORT_ATTR);
    if (credentials != null) {
      return "uid " + credentials.uid();
    }
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return remote == null ? "an unknown peer" : remote.toString();
  }

  private void log(ServerCall<?, ?> call, String reason) {
    PerSourceLogThrottle.Decision decision = throttle.event(source(call));
    if (!decision.log()) {
      return;
    }
    String more = decision.suppressed() == 0 ? ""
        : " (and " + decision.suppressed() + " more from " + decision.source() + " not logged in the last "
            + LOG_INTERVAL.toSeconds() + " s)";
    LOG.warn("refused a malformed {} request from {}: {}{}", call.getMethodDescriptor().getFullMethodName(),
        decision.source(), reason, more);
  }

  /** Closes a call whose request did not parse; passes everything else through. */
  private final class Handler<Q, R> implements ServerCallHandler<Q, R> {
    private final ServerCallHandler<Q, R> next;
    /**
     * Named from its protobuf descriptor only when a request is refused: building every service's descriptors
     * when the server bound them took a tenth of its start-up (issue 23).
     */
    private final MethodDescriptor<Q, R> method;

    Handler(ServerCallHandler<Q, R> next, MethodDescriptor<Q, R> method) {
      this.next = next;
      this.method = method;
    }

    @Override
    public ServerCall.Listener<Q> startCall(ServerCall<Q, R> call, Metadata headers) {
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
        // Listener callbacks of one call are serialized by gRPC, so a plain field suffices.
        private boolean refused;

        @Override
        public void onMessage(Q message) {
          if (refused) {
            return;
          }
          if (message == null) {
            refused = true;
            log(call, "it is not a valid " + messageName(method));
            refuse(call);
            return;
          }
          super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
          if (!refused) {
            super.onHalfClose();
          }
        }
      };
    }

    private void refuse(ServerCall<Q, R> call) {
      try {
        call.close(Status.INVALID_ARGUMENT.withDescription("request is not a valid " + messageName(method)),
            new Metadata());
      } catch (IllegalStateException alreadyClosed) {
        // An interceptor inside (a call budget, authorization) closed the call before its message arrived.
      }
    }
  }

  /** Parses as {@code delegate} does, but answers null for a message that does not parse. */
  private static class LenientMarshaller<Q> implements MethodDescriptor.Marshaller<Q> {
    private final MethodDescriptor.Marshaller<Q> delegate;

    LenientMarshaller(MethodDescriptor.Marshaller<Q> delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public InputStream stream(Q value) {
      return delegate.stream(value);
    }

    @Override
    public Q parse(InputStream stream) {
      try {
        return delegate.parse(stream);
      } catch (StatusRuntimeException notAMessage) {
        // grpc's protobuf marshaller reports an invalid byte sequence so; the handler answers the caller.
        return null;
      }
    }
  }

  /** A {@link LenientMarshaller} that still tells reflection and logging which message it carries. */
  private static final class LenientPrototypeMarshaller<Q> extends LenientMarshaller<Q>
      implements MethodDescriptor.PrototypeMarshaller<Q> {
    private final MethodDescriptor.PrototypeMarshaller<Q> prototype;

    LenientPrototypeMarshaller(MethodDescriptor.PrototypeMarshaller<Q> delegate) {
      super(delegate);
      this.prototype = delegate;
    }

    @Override
    public Q getMessagePrototype() {
      return prototype.getMessagePrototype();
    }

    @Override
    public Class<Q> getMessageClass() {
      return prototype.getMessageClass();
    }
  }
}
