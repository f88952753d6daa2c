package dev.signet.server.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The trail's file as {@link AuditTrail} writes it: the seam between the trail and the disk, so tests can
 * make writes fail or space run out as a full disk does.
 */
public interface TrailFile extends Closeable {
  long size() throws IOException;

  /** Appends all of {@code bytes} at the end. */
  void append(ByteBuffer bytes) throws IOException;

  /** Cuts the file back to {@code size} bytes (undoing a failed append). */
  void truncate(long size) throws IOException;

  /** Forces what was appended to the disk (fdatasync). */
  void force() throws IOException;

  /** Bytes still usable on the file's file system. */
  long usableSpace() throws IOException;

  /** The real file, opened for appending. */
  static TrailFile open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new TrailFile() {
      @Override
      public long size() throws IOException {
        return channel.size();
      }

      @Override
      public void append(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }

      @Override
      public void truncate(long size) throws IOException {
        channel.truncate(size);
      }

      @Override
      public void force() throws IOException {
        channel.force(false);
      }

      @Override
      public long usableSpace() throws IOException {
        return Files.getFileStore(file).getUsableSpace();
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }
}
