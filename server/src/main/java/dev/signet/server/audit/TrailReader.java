package dev.signet.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Reads the trail from its end: its last line at start-up, the newest matching records for queries. */
final class TrailReader {
  private TrailReader() {}

  /** The last non-blank line, read backwards from the end so start-up does not grow with the trail. */
  static String lastLine(Path file) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long end = in.length();
      while (end > 0) {
        in.seek(end - 1);
        if (in.read() != '\n') {
          break;
        }
        end--;
      }
      long start = end;
      while (start > 0) {
        in.seek(start - 1);
        if (in.read() == '\n') {
          break;
        }
        start--;
      }
      byte[] line = new byte[(int) (end - start)];
      in.seek(start);
      in.readFully(line);
      return new String(line, StandardCharsets.UTF_8).strip();
    }
  }

  /** The trail ended before its size said: an append was being undone. */
  static final class TrailShrank extends IOException {
    TrailShrank() {
      super("the audit trail shrank while it was read");
    }
  }

  /** The newest {@code limit} records of {@code file} matching {@code filter}, oldest first, read from the end. */
  static List<JsonNode> readNewest(Path file, Predicate<JsonNode> filter, int limit, int chunk) throws IOException {
    List<JsonNode> newestFirst = new ArrayList<>();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = channel.size();
      byte[] head = new byte[0]; // the start of the earliest line seen so far, its beginning not read yet
      while (position > 0 && newestFirst.size() < limit) {
        int length = (int) Math.min(chunk, position);
        position -= length;
        ByteBuffer buffer = ByteBuffer.allocate(length + head.length).limit(length);
        while (buffer.hasRemaining()) {
          if (channel.read(buffer, position + buffer.position()) < 0) {
            throw new TrailShrank();
          }
        }
        buffer.limit(buffer.capacity()).put(head);
        byte[] block = buffer.array();
        int lineEnd = block.length;
        for (int i = block.length - 1; i >= 0 && newestFirst.size() < limit; i--) {
          if (block[i] == '\n') {
            collect(block, i + 1, lineEnd, filter, newestFirst);
            lineEnd = i;
          }
        }
        head = java.util.Arrays.copyOf(block, lineEnd);
      }
      if (position == 0 && newestFirst.size() < limit) {
        collect(head, 0, head.length, filter, newestFirst); // the trail's first line
      }
    }
    return List.copyOf(newestFirst.reversed());
  }

  /**
   * Parses one line (skipping blank ones, a record still being appended, and a line with a duplicate field
   * name, which is no record) and keeps it if it matches.
   */
  private static void collect(byte[] bytes, int from, int to, Predicate<JsonNode> filter, List<JsonNode> out) {
    if (to <= from) {
      return;
    }
    if (new String(bytes, from, to - from, StandardCharsets.UTF_8).isBlank()) {
      return;
    }
    JsonNode record;
    try {
      record = AuditLine.parse(bytes, from, to);
    } catch (JsonProcessingException e) {
      return; // a record still being appended; `audit verify` reports real damage
    }
    if (filter.test(record)) {
      out.add(record);
    }
  }
}
