package dev.signet.proto.transport;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One unary call of a {@link OneShotChannel}: the request is held until {@link #halfClose()}, which connects,
 * exchanges it on one HTTP/2 stream ({@link SingleStreamHttp2}) and hands the response, then the status, to the
 * listener on the call's executor. Failures become the statuses grpc-java's own channel reports: UNAVAILABLE
 * ("io exception", with the cause) when the socket cannot be reached, DEADLINE_EXCEEDED, INTERNAL for a response
 * that breaks the protocol, RESOURCE_EXHAUSTED for a message over the 4 MiB default limit.
 */
final class OneShotUnaryCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
  /** grpc-java's default limit on a received message. */
  static final int MAX_MESSAGE = 4 * 1024 * 1024;
  /** Room for one message of that size and its prefix; more from a unary call is not read. */
  private static final int MAX_BODY = MAX_MESSAGE + 1024;

  private final Path socket;
  private final MethodDescriptor<ReqT, RespT> method;
  private final CallOptions options;
  private Listener<RespT> listener;
  private Metadata headers;
  private byte[] request;
  private boolean closed;

  OneShotUnaryCall(Path socket, MethodDescriptor<ReqT, RespT> method, CallOptions options) {
    this.socket = socket;
    this.method = method;
    this.options = options;
  }

  @Override
  public void start(Listener<RespT> listener, Metadata headers) {
    if (this.listener != null) {
      throw new IllegalStateException("call already started");
    }
    this.listener = listener;
    this.headers = headers;
  }

  @Override
  public void request(int numMessages) {
    // the whole response is read at once
  }

  @Override
  public void sendMessage(ReqT message) {
    if (listener == null || request != null) {
      throw new IllegalStateException(listener == null ? "call not started" : "a unary call sends one message");
    }
    try (InputStream in = method.streamRequest(message)) {
      request = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the request of " + method.getFullMethodName(), e);
    }
  }

  @Override
  public void halfClose() {
    if (listener == null || closed) {
      return;
    }
    if (request == null) {
      close(Status.INTERNAL.withDescription("a unary call half-closed without its request"), List.of(), new Metadata(),
          new Metadata());
      return;
    }
    Outcome outcome = exchange();
    close(outcome.status, outcome.messages, outcome.headers, outcome.trailers);
  }

  @Override
  public void cancel(String message, Throwable cause) {
    if (listener != null && !closed) {
      close(Status.CANCELLED.withDescription(message).withCause(cause), List.of(), new Metadata(), new Metadata());
    }
  }

  private record Outcome(Status status, List<byte[]> messages, Metadata headers, Metadata trailers) {
    static Outcome failed(Status status) {
      return new Outcome(status, List.of(), new Metadata(), new Metadata());
    }
  }

  private Outcome exchange() {
    Deadline deadline = options.getDeadline();
    long timeout = deadline == null ? Long.MAX_VALUE : deadline.timeRemaining(TimeUnit.NANOSECONDS);
    if (timeout <= 0) {
      return Outcome.failed(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded before the call started"));
    }
    try (DeadlineSocket connection = DeadlineSocket.connect(socket, timeout)) {
      SingleStreamHttp2.Response response = new SingleStreamHttp2(connection)
          .exchange(requestHeaders(deadline == null ? -1 : timeout), GrpcOverHttp2.frame(request), MAX_BODY);
      return outcome(response);
    } catch (SocketTimeoutException e) {
      return Outcome.failed(Status.DEADLINE_EXCEEDED.withDescription(
          "deadline exceeded after " + GrpcOverHttp2.seconds(timeout)));
    } catch (SingleStreamHttp2.StreamResetException e) {
      return Outcome.failed(GrpcOverHttp2.fromResetCode(e.errorCode).withDescription(e.getMessage()));
    } catch (SingleStreamHttp2.ResponseTooLargeException e) {
      return Outcome.failed(Status.RESOURCE_EXHAUSTED.withDescription(
          "gRPC message exceeds maximum size " + MAX_MESSAGE));
    } catch (ProtocolException e) {
      return Outcome.failed(Status.INTERNAL.withDescription(e.getMessage()));
    } catch (IOException e) {
      return Outcome.failed(Status.UNAVAILABLE.withDescription("io exception").withCause(e));
    } catch (StatusRuntimeException e) {
      return Outcome.failed(e.getStatus());
    }
  }

  private Http2Headers requestHeaders(long timeoutNanos) {
    Http2Headers out = new DefaultHttp2Headers()
        .method("POST").scheme("http").path("/" + method.getFullMethodName()).authority(OneShotChannel.AUTHORITY)
        .add("content-type", "application/grpc")
        .add("te", "trailers")
        .add("user-agent", "signet-cli");
    if (timeoutNanos >= 0) {
      out.add("grpc-timeout", GrpcOverHttp2.timeout(timeoutNanos));
    }
    for (String name : headers.keys()) {
      if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        for (byte[] value : headers.getAll(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER))) {
          out.add(name, Base64.getEncoder().withoutPadding().encodeToString(value));
        }
      } else {
        for (String value : headers.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER))) {
          out.add(name, value);
        }
      }
    }
    return out;
  }

  /** The status and messages of a complete response (gRPC's PROTOCOL-HTTP2, "Responses"). */
  private static Outcome outcome(SingleStreamHttp2.Response response) {
    Http2Headers headers = response.headers();
    Http2Headers statusSource = response.trailersOnly() ? headers : response.trailers();
    CharSequence httpStatus = headers.status();
    boolean grpcStatusPresent = statusSource != null && statusSource.get("grpc-status") != null;
    if (!grpcStatusPresent && (httpStatus == null || !"200".contentEquals(httpStatus))) {
      return Outcome.failed(httpStatus == null ? Status.INTERNAL.withDescription("a response without :status")
          : GrpcOverHttp2.fromHttpStatus(parseInt(httpStatus, -1)));
    }
    CharSequence contentType = headers.get("content-type");
    if (contentType == null || !contentType.toString().startsWith("application/grpc")) {
      return Outcome.failed(Status.INTERNAL.withDescription("invalid content-type: " + contentType));
    }
    if (statusSource == null) {
      return Outcome.failed(Status.INTERNAL.withDescription("the server ended the stream without trailers"));
    }
    CharSequence code = statusSource.get("grpc-status");
    if (code == null) {
      return Outcome.failed(Status.UNKNOWN.withDescription("missing GRPC status in response"));
    }
    Status status = Status.fromCodeValue(parseInt(code, Status.Code.UNKNOWN.value()));
    CharSequence message = statusSource.get("grpc-message");
    if (message != null) {
      status = status.withDescription(GrpcOverHttp2.decodeMessage(message));
    }
    List<byte[]> messages = status.isOk() ? GrpcOverHttp2.messages(response.body(), MAX_MESSAGE) : List.of();
    return new Outcome(status, messages, response.trailersOnly() ? new Metadata() : metadata(headers),
        metadata(statusSource));
  }

  /** The application's headers or trailers: without HTTP/2's pseudo-headers and gRPC's own status. */
  private static Metadata metadata(Http2Headers headers) {
    Metadata metadata = new Metadata();
    for (Map.Entry<CharSequence, CharSequence> header : headers) {
      String name = header.getKey().toString();
      if (name.startsWith(":") || name.equals("grpc-status") || name.equals("grpc-message")) {
        continue;
      }
      if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        try {
          metadata.put(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER),
              Base64.getDecoder().decode(header.getValue().toString()));
        } catch (IllegalArgumentException e) {
          // a binary header that is not base64 is dropped, as grpc-java drops it
        }
      } else {
        metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), header.getValue().toString());
      }
    }
    return metadata;
  }

  private static int parseInt(CharSequence text, int otherwise) {
    try {
      return Integer.parseInt(text.toString());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /** Hands the outcome to the listener on the call's executor: headers, each message, then the status. */
  private void close(Status status, List<byte[]> messages, Metadata responseHeaders, Metadata trailers) {
    closed = true;
    Listener<RespT> target = listener;
    Runnable delivery = () -> {
      List<RespT> parsed = new ArrayList<>(messages.size());
      Status finalStatus = status;
      try {
        for (byte[] message : messages) {
          parsed.add(method.parseResponse(new ByteArrayInputStream(message)));
        }
      } catch (RuntimeException e) {
        finalStatus = Status.INTERNAL.withDescription("cannot parse the response of " + method.getFullMethodName())
            .withCause(e);
        parsed.clear();
      }
      if (finalStatus.isOk()) {
        target.onHeaders(responseHeaders);
        parsed.forEach(target::onMessage);
      }
      target.onClose(finalStatus, trailers);
    };
    Executor executor = options.getExecutor();
    if (executor == null) {
      delivery.run();
    } else {
      executor.execute(delivery);
    }
  }
}
