package dev.signet.proto.transport;

import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The rules of gRPC's wire protocol over HTTP/2 that a client applies (gRPC's PROTOCOL-HTTP2 and
 * http-grpc-status-mapping documents): the {@code grpc-timeout} header, length-prefixed messages, the
 * percent-encoded {@code grpc-message}, and the status of a response that is not gRPC's.
 */
final class GrpcOverHttp2 {
  private GrpcOverHttp2() {}

  /** {@code grpc-timeout}: the finest unit in which the value fits the header's eight digits. */
  static String timeout(long nanos) {
    long value = Math.max(nanos, 0);
    String[] units = {"n", "u", "m", "S", "M", "H"};
    long[] perUnit = {1, 1_000, 1_000_000, 1_000_000_000, 60_000_000_000L, 3_600_000_000_000L};
    for (int i = 0; i < units.length; i++) {
      long inUnit = value / perUnit[i];
      if (inUnit < 100_000_000L) {
        // rounded up, so that the server's deadline is never earlier than the client's
        long rounded = value % perUnit[i] == 0 ? inUnit : inUnit + 1;
        return Math.min(rounded, 99_999_999L) + units[i];
      }
    }
    return "99999999H";
  }

  /** A message framed for the wire: an uncompressed flag, its length, its bytes. */
  static byte[] frame(byte[] message) {
    return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
  }

  /**
   * The messages of a response body. A compressed message (this client asks for no compression) or a body
   * that does not split into whole messages is a protocol error; a message over {@code maxMessage} bytes is
   * RESOURCE_EXHAUSTED, as grpc-java's own limit is.
   */
  static List<byte[]> messages(byte[] body, int maxMessage) {
    List<byte[]> messages = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(body);
    while (in.hasRemaining()) {
      if (in.remaining() < 5) {
        throw Status.INTERNAL.withDescription("a truncated gRPC message prefix").asRuntimeException();
      }
      byte flags = in.get();
      long length = in.getInt() & 0xffffffffL;
      if (flags != 0) {
        throw Status.INTERNAL.withDescription("a compressed message, but no compression was asked for")
            .asRuntimeException();
      }
      if (length > maxMessage) {
        throw Status.RESOURCE_EXHAUSTED.withDescription(
            "gRPC message exceeds maximum size " + maxMessage + ": " + length).asRuntimeException();
      }
      if (length > in.remaining()) {
        throw Status.INTERNAL.withDescription("a truncated gRPC message").asRuntimeException();
      }
      byte[] message = new byte[(int) length];
      in.get(message);
      messages.add(message);
    }
    return messages;
  }

  /** {@code grpc-message} decoded: percent-encoded UTF-8; a malformed escape is kept as it is. */
  static String decodeMessage(CharSequence encoded) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%' && i + 2 < encoded.length()) {
        int high = Character.digit(encoded.charAt(i + 1), 16);
        int low = Character.digit(encoded.charAt(i + 2), 16);
        if (high >= 0 && low >= 0) {
          bytes.write(high << 4 | low);
          i += 2;
          continue;
        }
      }
      bytes.write((byte) c);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The status of a response whose HTTP status is not 200 (gRPC's http-grpc-status-mapping). */
  static Status fromHttpStatus(int httpStatus) {
    Status status = switch (httpStatus) {
      case 400 -> Status.INTERNAL;
      case 401 -> Status.UNAUTHENTICATED;
      case 403 -> Status.PERMISSION_DENIED;
      case 404 -> Status.UNIMPLEMENTED;
      case 429, 502, 503, 504 -> Status.UNAVAILABLE;
      default -> Status.UNKNOWN;
    };
    return status.withDescription("HTTP status code " + httpStatus);
  }

  /** The status of a stream the server reset, by its HTTP/2 error code (gRPC's PROTOCOL-HTTP2). */
  static Status fromResetCode(long errorCode) {
    Status status = switch ((int) errorCode) {
      case 0x7 -> Status.UNAVAILABLE; // REFUSED_STREAM: the request was not processed
      case 0x8 -> Status.CANCELLED;
      case 0xb -> Status.RESOURCE_EXHAUSTED; // ENHANCE_YOUR_CALM
      case 0xc -> Status.PERMISSION_DENIED; // INADEQUATE_SECURITY
      default -> Status.INTERNAL;
    };
    return status;
  }

  /** Seconds with three decimals, for a deadline's description. */
  static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.3fs", nanos / (double) TimeUnit.SECONDS.toNanos(1));
  }
}
