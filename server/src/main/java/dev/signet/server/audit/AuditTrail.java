package dev.signet.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The audit trail: one JSON line per record ({@code seq}, {@code time}, {@code actor}, {@code action},
 * {@code outcome}, {@code reason}, {@code request_id}), each carrying {@code prev_hash}, the hash of the
 * record before it, and its own {@code hash} = SHA-256 of its other fields; so changing, removing or
 * reordering any line breaks the chain from there on ({@link #verify}). The file is created 0600 and
 * appended with one write per record before {@link #append} returns; a write that fails is cut back off,
 * so a full disk leaves no half record and no broken chain behind.
 */
public final class AuditTrail implements AutoCloseable {
  /** How much of the trail a query reads at a time, from the end. */
  private static final int QUERY_CHUNK = 64 * 1024;
  static final String GENESIS = "0".repeat(64);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Clock clock;
  private final FileChannel out;
  private long seq;
  private String lastHash;

  private AuditTrail(Path file, Clock clock, FileChannel out, long seq, String lastHash) {
    this.file = file;
    this.clock = clock;
    this.out = out;
    this.seq = seq;
    this.lastHash = lastHash;
  }

  /** Opens (creating 0600) the trail at {@code file}, continuing its chain. */
  public static AuditTrail open(Path file, Clock clock) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!Files.exists(file)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    dropUnfinishedRecord(file);
    long seq = 0;
    String last = GENESIS;
    String tail = lastLine(file);
    if (!tail.isEmpty()) {
      JsonNode record = JSON.readTree(tail);
      seq = record.path("seq").asLong();
      last = record.path("hash").asText();
    }
    FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new AuditTrail(file, clock, out, seq, last);
  }

  /**
   * A record is one append ending in a newline; a file that does not end in one was cut short by a crash
   * mid-write. That record was never acknowledged, so it is dropped, and the chain continues from the last
   * whole record. (A whole line that is not a valid record is damage: {@link #open} then fails.)
   */
  private static void dropUnfinishedRecord(Path file) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "rw")) {
      long end = in.length();
      long keep = end;
      while (keep > 0) {
        in.seek(keep - 1);
        if (in.read() == '\n') {
          break;
        }
        keep--;
      }
      if (keep < end) {
        in.setLength(keep);
      }
    }
  }

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

  public Path file() {
    return file;
  }

  /** Appends one record and returns it; throws when it cannot be written (the caller decides fail-closed). */
  public synchronized Map<String, Object> append(String actor, String action, String outcome, String reason,
      String requestId) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("seq", seq + 1);
    record.put("time", clock.instant().toString());
    record.put("actor", actor);
    record.put("action", action);
    record.put("outcome", outcome);
    record.put("reason", reason == null ? "" : reason);
    record.put("request_id", requestId);
    record.put("prev_hash", lastHash);
    String hash = hash(record);
    record.put("hash", hash);
    ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8));
    long end = out.size();
    try {
      while (line.hasRemaining()) {
        out.write(line);
      }
    } catch (IOException e) {
      out.truncate(end);
      throw e;
    }
    seq++;
    lastHash = hash;
    return record;
  }

  /** Records matching {@code filter}, oldest first, at most {@code limit} of the newest. */
  public List<JsonNode> query(Predicate<JsonNode> filter, int limit) {
    return query(filter, limit, QUERY_CHUNK);
  }

  /**
   * {@link #query} reading {@code chunk} bytes at a time. The trail is read backwards from its end, newest
   * record first, and reading stops once {@code limit} records matched: a query for recent activity costs
   * what it returns, not the size of the trail. Memory stays bounded by the limit, one chunk and the longest
   * line. A trail cut back while it is read (a failed append undone) is read again once.
   */
  List<JsonNode> query(Predicate<JsonNode> filter, int limit, int chunk) {
    if (limit <= 0) {
      return List.of();
    }
    try {
      try {
        return readNewest(file, filter, limit, chunk);
      } catch (TrailShrank e) {
        return readNewest(file, filter, limit, chunk);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit trail " + file, e);
    }
  }

  /** The trail ended before its size said: an append was being undone. */
  private static final class TrailShrank extends IOException {
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

  /** Parses one line (skipping blank ones and a record still being appended) and keeps it if it matches. */
  private static void collect(byte[] bytes, int from, int to, Predicate<JsonNode> filter, List<JsonNode> out) {
    if (to <= from) {
      return;
    }
    String line = new String(bytes, from, to - from, StandardCharsets.UTF_8);
    if (line.isBlank()) {
      return;
    }
    JsonNode record;
    try {
      record = JSON.readTree(line);
    } catch (IOException e) {
      return; // a record still being appended; `audit verify` reports real damage
    }
    if (filter.test(record)) {
      out.add(record);
    }
  }

  /** The result of {@link #verify}: the records checked, and the first broken line (0 when intact). */
  public record Verification(long records, long brokenLine, String problem) {
    public boolean intact() {
      return brokenLine == 0;
    }
  }

  /** Checks every line's hash and its link to the line before. */
  public static Verification verify(Path file) throws IOException {
    String previous = GENESIS;
    long expectedSeq = 1;
    long lineNumber = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      Map<String, Object> record;
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = JSON.readValue(line, LinkedHashMap.class);
        record = parsed;
      } catch (IOException e) {
        return new Verification(expectedSeq - 1, lineNumber, "not a JSON record");
      }
      Object stored = record.remove("hash");
      if (!previous.equals(record.get("prev_hash"))) {
        return new Verification(expectedSeq - 1, lineNumber, "prev_hash does not match the record before");
      }
      if (!Long.valueOf(expectedSeq).equals(((Number) record.getOrDefault("seq", -1)).longValue())) {
        return new Verification(expectedSeq - 1, lineNumber, "seq " + record.get("seq") + " where " + expectedSeq
            + " was expected");
      }
      String computed = hash(record);
      if (!computed.equals(stored)) {
        return new Verification(expectedSeq - 1, lineNumber, "hash does not match the record's content");
      }
      previous = computed;
      expectedSeq++;
    }
    return new Verification(expectedSeq - 1, 0, "");
  }

  private static String hash(Map<String, Object> record) {
    try {
      byte[] canonical = JSON.writeValueAsBytes(record);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("audit record cannot be hashed", e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
