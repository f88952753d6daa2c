package dev.signet.proto.transport;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A connection to a Unix socket (the JDK's own channel, no event loop) whose every read and write gives up with a
 * {@link SocketTimeoutException} once a deadline has passed. Reads are buffered: {@link #read(int)} returns a view
 * of the next {@code n} bytes, valid until the next read.
 */
final class DeadlineSocket implements Closeable {
  private static final int READ_BUFFER = 64 * 1024;

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final long deadlineNanos;
  private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER).flip();

  private DeadlineSocket(SocketChannel channel, Selector selector, long deadlineNanos) throws IOException {
    this.channel = channel;
    this.selector = selector;
    this.key = channel.register(selector, 0);
    this.deadlineNanos = deadlineNanos;
  }

  /**
   * Connects to {@code socket}; {@code timeoutNanos} bounds the connection's whole life, this connect included.
   */
  static DeadlineSocket connect(Path socket, long timeoutNanos) throws IOException {
    long deadline = System.nanoTime() + Math.min(timeoutNanos, TimeUnit.DAYS.toNanos(365));
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    Selector selector = null;
    try {
      channel.configureBlocking(false);
      selector = Selector.open();
      DeadlineSocket connection = new DeadlineSocket(channel, selector, deadline);
      if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
        while (!channel.finishConnect()) {
          connection.await(SelectionKey.OP_CONNECT);
        }
      }
      return connection;
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
  }

  /** Writes all of {@code buffer}. */
  void write(ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) == 0) {
        await(SelectionKey.OP_WRITE);
      }
    }
  }

  /**
   * The next {@code n} bytes ({@code n} at most 64 KiB), as a buffer positioned at the first; it shares the read
   * buffer, so the caller copies what it keeps before the next read.
   */
  ByteBuffer read(int n) throws IOException {
    if (n > READ_BUFFER) {
      throw new IllegalArgumentException("read of " + n + " bytes exceeds the buffer of " + READ_BUFFER);
    }
    if (in.remaining() < n) {
      in.compact();
      while (in.position() < n) {
        int read = channel.read(in);
        if (read < 0) {
          throw new EOFException("the server closed the connection");
        }
        if (read == 0) {
          await(SelectionKey.OP_READ);
        }
      }
      in.flip();
    }
    ByteBuffer view = in.slice(in.position(), n);
    in.position(in.position() + n);
    return view;
  }

  private void await(int operation) throws IOException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("deadline exceeded");
    }
    key.interestOps(operation);
    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    selector.selectedKeys().clear();
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      selector.close();
    }
  }
}
