package dev.signet.attestors.workload.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A minimal HTTP/1.1 client for a local daemon on a Unix socket (the Docker Engine API): one GET per
 * connection ({@code Connection: close}), a response body of at most {@link #MAX_RESPONSE_BYTES}, read with
 * Content-Length or chunked framing, within a deadline. The JDK's HTTP client cannot dial Unix sockets.
 */
final class UnixHttpClient {
  /** Largest response accepted: a container inspection is a few KiB, even with many labels. */
  static final int MAX_RESPONSE_BYTES = 4 << 20;

  /** A response: status code and body. */
  record Response(int status, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Path socket;
  private final Duration timeout;

  UnixHttpClient(Path socket, Duration timeout) {
    this.socket = socket;
    this.timeout = timeout;
  }

  Path socket() {
    return socket;
  }

  /** GETs {@code path} (with its query), e.g. {@code /v1.43/containers/ID/json}. */
  Response get(String path) throws IOException {
    AtomicReference<SocketChannel> open = new AtomicReference<>();
    CompletableFuture<Response> exchange = CompletableFuture.supplyAsync(() -> {
      try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        open.set(channel);
        channel.connect(UnixDomainSocketAddress.of(socket));
        String request = "GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: signet-agent\r\n"
            + "Accept: application/json\r\nConnection: close\r\n\r\n";
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
          channel.write(out);
        }
        return parse(readAll(channel));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, task -> Thread.ofVirtual().name("docker-api").start(task));
    try {
      return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      closeQuietly(open.get());
      throw new IOException("no answer from " + socket + " within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
      throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(open.get());
      throw new IOException("interrupted while talking to " + socket, e);
    }
  }

  private static byte[] readAll(SocketChannel channel) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    while (channel.read(buffer) >= 0) {
      buffer.flip();
      all.write(buffer.array(), 0, buffer.limit());
      buffer.clear();
      if (all.size() > MAX_RESPONSE_BYTES + 64 * 1024) {
        throw new IOException("response is larger than " + MAX_RESPONSE_BYTES + " bytes");
      }
    }
    return all.toByteArray();
  }

  /** Parses a whole HTTP/1.1 response. */
  static Response parse(byte[] raw) throws IOException {
    int headerEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
    if (headerEnd < 0) {
      throw new IOException("malformed HTTP response: no end of headers");
    }
    String[] lines = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] statusLine = lines[0].split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
      throw new IOException("malformed HTTP status line \"" + lines[0] + "\"");
    }
    int status;
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new IOException("malformed HTTP status line \"" + lines[0] + "\"", e);
    }
    long contentLength = -1;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    int bodyStart = headerEnd + 4;
    byte[] body;
    if (chunked) {
      body = dechunk(raw, bodyStart);
    } else if (contentLength >= 0) {
      if (bodyStart + contentLength > raw.length) {
        throw new IOException("HTTP body is shorter than its Content-Length " + contentLength);
      }
      body = java.util.Arrays.copyOfRange(raw, bodyStart, (int) (bodyStart + contentLength));
    } else {
      body = java.util.Arrays.copyOfRange(raw, bodyStart, raw.length);
    }
    if (body.length > MAX_RESPONSE_BYTES) {
      throw new IOException("response is larger than " + MAX_RESPONSE_BYTES + " bytes");
    }
    return new Response(status, body);
  }

  private static byte[] dechunk(byte[] raw, int from) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int at = from;
    while (true) {
      int lineEnd = indexOf(raw, new byte[] {'\r', '\n'}, at);
      if (lineEnd < 0) {
        throw new IOException("malformed chunked body");
      }
      String sizeField = new String(raw, at, lineEnd - at, StandardCharsets.US_ASCII);
      int semicolon = sizeField.indexOf(';');
      int size;
      try {
        size = Integer.parseInt((semicolon < 0 ? sizeField : sizeField.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size \"" + sizeField + "\"", e);
      }
      at = lineEnd + 2;
      if (size == 0) {
        return body.toByteArray();
      }
      if (size < 0 || at + size > raw.length) {
        throw new IOException("chunk of " + size + " bytes runs past the end of the response");
      }
      body.write(raw, at, size);
      at += size + 2;
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = from; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void closeQuietly(SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing only to abort a read that overran its deadline
      }
    }
  }
}
