package dev.signet.proto.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client end of an HTTP/2 connection with prior knowledge (h2c, RFC 9113 §3.3) that carries one request on
 * stream 1 and reads its whole response: what a command-line call needs, without an event loop. Frames are read
 * and written here; header blocks are coded by Netty's HPACK coder, the one the daemons' gRPC stack uses.
 *
 * <p>Flow control: this end opens its windows to the maximum at once, so the server never waits on it (the caller
 * bounds the response's size instead); what it sends respects the server's windows and settings.
 */
final class SingleStreamHttp2 {
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int PRIORITY = 0x2;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PUSH_PROMISE = 0x5;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;
  static final int CONTINUATION = 0x9;

  static final int FLAG_END_STREAM = 0x1;
  static final int FLAG_ACK = 0x1;
  static final int FLAG_END_HEADERS = 0x4;
  static final int FLAG_PADDED = 0x8;
  static final int FLAG_PRIORITY = 0x20;

  static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
  static final int SETTINGS_ENABLE_PUSH = 0x2;
  static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;

  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int STREAM = 1;
  private static final int DEFAULT_WINDOW = 65_535;
  private static final int MAX_WINDOW = Integer.MAX_VALUE;
  /** The largest frame either end may send until told otherwise (SETTINGS_MAX_FRAME_SIZE's initial value). */
  private static final int MAX_FRAME = 16_384;
  private static final int MAX_HEADER_LIST = 1 << 20;

  /** The response: its headers, the bytes of its DATA frames, and its trailers (empty when there were none). */
  record Response(Http2Headers headers, byte[] body, Http2Headers trailers, boolean trailersOnly) {}

  /** The server reset the stream or sent GOAWAY with an error ({@code errorCode} is HTTP/2's, RFC 9113 §7). */
  static final class StreamResetException extends IOException {
    final long errorCode;

    StreamResetException(long errorCode, String message) {
      super(message);
      this.errorCode = errorCode;
    }
  }

  /** The response grew past the caller's bound. */
  static final class ResponseTooLargeException extends IOException {
    ResponseTooLargeException(String message) {
      super(message);
    }
  }

  private final DeadlineSocket socket;
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true, MAX_HEADER_LIST);
  private long connectionWindow = DEFAULT_WINDOW;
  private long streamWindow = DEFAULT_WINDOW;
  private long initialStreamWindow = DEFAULT_WINDOW;

  private Http2Headers responseHeaders;
  private Http2Headers trailers;
  private boolean trailersOnly;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private boolean ended;
  private int maxBody;

  SingleStreamHttp2(DeadlineSocket socket) {
    this.socket = socket;
  }

  /**
   * Sends {@code headers} and {@code requestBody} on stream 1 and reads until the server ends the stream. A body
   * beyond {@code maxBody} bytes ends the call with {@link ResponseTooLargeException}.
   */
  Response exchange(Http2Headers headers, byte[] requestBody, int maxBody) throws IOException {
    this.maxBody = maxBody;
    ByteBuffer preface = ByteBuffer.allocate(PREFACE.length + 9 + 12 + 9 + 4);
    preface.put(PREFACE);
    putFrameHeader(preface, 12, SETTINGS, 0, 0);
    preface.putShort((short) SETTINGS_ENABLE_PUSH).putInt(0);
    preface.putShort((short) SETTINGS_INITIAL_WINDOW_SIZE).putInt(MAX_WINDOW);
    putFrameHeader(preface, 4, WINDOW_UPDATE, 0, 0);
    preface.putInt(MAX_WINDOW - DEFAULT_WINDOW);
    socket.write(preface.flip());
    writeHeaders(headers, requestBody.length == 0);
    int sent = 0;
    while (sent < requestBody.length && !ended) {
      int n = (int) Math.min(Math.min(requestBody.length - sent, MAX_FRAME), Math.min(connectionWindow, streamWindow));
      if (n <= 0) {
        readFrame();
        continue;
      }
      boolean last = sent + n == requestBody.length;
      ByteBuffer frame = ByteBuffer.allocate(9 + n);
      putFrameHeader(frame, n, DATA, last ? FLAG_END_STREAM : 0, STREAM);
      socket.write(frame.put(requestBody, sent, n).flip());
      sent += n;
      connectionWindow -= n;
      streamWindow -= n;
    }
    while (!ended) {
      readFrame();
    }
    if (responseHeaders == null) {
      throw new ProtocolException("the server ended the stream without response headers");
    }
    return new Response(responseHeaders, body.toByteArray(), trailers, trailersOnly);
  }

  private void writeHeaders(Http2Headers headers, boolean endStream) throws IOException {
    ByteBuf block = Unpooled.buffer();
    try {
      encoder.encodeHeaders(STREAM, headers, block);
      if (block.readableBytes() > MAX_FRAME) {
        throw new ProtocolException("request headers of " + block.readableBytes() + " bytes exceed one frame");
      }
      int flags = FLAG_END_HEADERS | (endStream ? FLAG_END_STREAM : 0);
      ByteBuffer frame = ByteBuffer.allocate(9 + block.readableBytes());
      putFrameHeader(frame, block.readableBytes(), HEADERS, flags, STREAM);
      block.readBytes(frame);
      socket.write(frame.flip());
    } catch (Http2Exception e) {
      throw new ProtocolException("cannot encode the request headers: " + e.getMessage());
    } finally {
      block.release();
    }
  }

  private void readFrame() throws IOException {
    ByteBuffer header = socket.read(9);
    int length = ((header.get() & 0xff) << 16) | ((header.get() & 0xff) << 8) | (header.get() & 0xff);
    int type = header.get() & 0xff;
    int flags = header.get() & 0xff;
    int streamId = header.getInt() & Integer.MAX_VALUE;
    if (length > MAX_FRAME) {
      throw new ProtocolException("frame of " + length + " bytes exceeds the maximum of " + MAX_FRAME);
    }
    ByteBuffer payload = socket.read(length);
    switch (type) {
      case SETTINGS -> onSettings(flags, payload);
      case PING -> onPing(flags, payload);
      case WINDOW_UPDATE -> onWindowUpdate(streamId, payload);
      case GOAWAY -> onGoAway(payload);
      case RST_STREAM -> {
        if (streamId == STREAM) {
          long code = payload.getInt() & 0xffffffffL;
          throw new StreamResetException(code, "the server reset the stream (HTTP/2 error code " + code + ")");
        }
      }
      case HEADERS -> onHeaders(streamId, flags, unpadded(flags, payload, true));
      case DATA -> onData(streamId, flags, unpadded(flags, payload, false));
      case PUSH_PROMISE, CONTINUATION -> throw new ProtocolException("unexpected frame of type " + type);
      default -> { } // PRIORITY and unknown types are ignored (RFC 9113 §4.1, §5.5)
    }
  }

  private void onSettings(int flags, ByteBuffer payload) throws IOException {
    if ((flags & FLAG_ACK) != 0) {
      return;
    }
    if (payload.remaining() % 6 != 0) {
      throw new ProtocolException("SETTINGS frame of " + payload.remaining() + " bytes");
    }
    while (payload.hasRemaining()) {
      int id = payload.getShort() & 0xffff;
      long value = payload.getInt() & 0xffffffffL;
      if (id == SETTINGS_INITIAL_WINDOW_SIZE) {
        streamWindow += value - initialStreamWindow;
        initialStreamWindow = value;
      } else if (id == SETTINGS_HEADER_TABLE_SIZE) {
        try {
          encoder.configuration().maxHeaderTableSize(value);
        } catch (Http2Exception e) {
          throw new ProtocolException("SETTINGS_HEADER_TABLE_SIZE " + value + ": " + e.getMessage());
        }
      }
    }
    ByteBuffer ack = ByteBuffer.allocate(9);
    putFrameHeader(ack, 0, SETTINGS, FLAG_ACK, 0);
    socket.write(ack.flip());
  }

  private void onPing(int flags, ByteBuffer payload) throws IOException {
    if ((flags & FLAG_ACK) != 0) {
      return;
    }
    ByteBuffer pong = ByteBuffer.allocate(9 + payload.remaining());
    putFrameHeader(pong, payload.remaining(), PING, FLAG_ACK, 0);
    socket.write(pong.put(payload).flip());
  }

  private void onWindowUpdate(int streamId, ByteBuffer payload) {
    long increment = payload.getInt() & Integer.MAX_VALUE;
    if (streamId == 0) {
      connectionWindow += increment;
    } else if (streamId == STREAM) {
      streamWindow += increment;
    }
  }

  /** A graceful GOAWAY that still covers stream 1 lets the response finish; any other ends the call. */
  private void onGoAway(ByteBuffer payload) throws IOException {
    int lastStream = payload.getInt() & Integer.MAX_VALUE;
    long code = payload.getInt() & 0xffffffffL;
    String debug = StandardCharsets.UTF_8.decode(payload).toString();
    if (code != 0 || lastStream < STREAM) {
      throw new StreamResetException(code == 0 ? 7 : code, "the server closed the connection (GOAWAY, HTTP/2 error code "
          + code + (debug.isEmpty() ? "" : ", " + debug) + ")");
    }
  }

  private void onHeaders(int streamId, int flags, ByteBuffer fragment) throws IOException {
    ByteBuf block = Unpooled.buffer(fragment.remaining());
    try {
      block.writeBytes(fragment);
      int endFlags = flags;
      while ((endFlags & FLAG_END_HEADERS) == 0) {
        ByteBuffer header = socket.read(9);
        int length = ((header.get() & 0xff) << 16) | ((header.get() & 0xff) << 8) | (header.get() & 0xff);
        int type = header.get() & 0xff;
        endFlags = header.get() & 0xff;
        if (type != CONTINUATION || (header.getInt() & Integer.MAX_VALUE) != streamId || length > MAX_FRAME) {
          throw new ProtocolException("a header block must go on in CONTINUATION frames of its stream");
        }
        if (block.readableBytes() + length > MAX_HEADER_LIST) {
          throw new ProtocolException("a header block longer than " + MAX_HEADER_LIST + " bytes");
        }
        block.writeBytes(socket.read(length));
      }
      Http2Headers headers = decoder.decodeHeaders(streamId, block);
      if (streamId != STREAM) {
        return;
      }
      boolean endStream = (flags & FLAG_END_STREAM) != 0;
      if (responseHeaders == null) {
        responseHeaders = headers;
        trailersOnly = endStream;
      } else if (endStream) {
        trailers = headers;
      } else {
        throw new ProtocolException("a second header block that does not end the stream");
      }
      ended |= endStream;
    } catch (Http2Exception e) {
      throw new ProtocolException("cannot decode the response headers: " + e.getMessage());
    } finally {
      block.release();
    }
  }

  private void onData(int streamId, int flags, ByteBuffer data) throws IOException {
    if (streamId != STREAM) {
      return;
    }
    if (responseHeaders == null) {
      throw new ProtocolException("DATA before the response headers");
    }
    if (body.size() + data.remaining() > maxBody) {
      throw new ResponseTooLargeException("the response exceeds " + maxBody + " bytes");
    }
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    body.writeBytes(bytes);
    ended |= (flags & FLAG_END_STREAM) != 0;
  }

  /** The payload without its padding and, for HEADERS, its priority fields. */
  private static ByteBuffer unpadded(int flags, ByteBuffer payload, boolean headers) throws ProtocolException {
    int padding = 0;
    if ((flags & FLAG_PADDED) != 0) {
      if (!payload.hasRemaining()) {
        throw new ProtocolException("a padded frame without its pad length");
      }
      padding = payload.get() & 0xff;
    }
    if (headers && (flags & FLAG_PRIORITY) != 0) {
      if (payload.remaining() < 5) {
        throw new ProtocolException("a HEADERS frame too short for its priority fields");
      }
      payload.position(payload.position() + 5);
    }
    if (padding > payload.remaining()) {
      throw new ProtocolException("padding longer than the frame");
    }
    return payload.slice(payload.position(), payload.remaining() - padding);
  }

  private static void putFrameHeader(ByteBuffer buffer, int length, int type, int flags, int streamId) {
    buffer.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length)
        .put((byte) type).put((byte) flags).putInt(streamId);
  }
}
