package dev.signet.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code audit verify}: reads the trail line by line, as bytes, and checks every record against the key
 * and the one before it, then the last against the anchor. It stops at the first bad record and names it
 * (line number and seq) with what is wrong: a MAC that does not match (changed, or rewritten without the
 * key), a duplicate field name, a seq out of order, records missing in the middle or at the end (against
 * the anchor), a record made with another key, an unkeyed record after the keyed chain began, or an
 * {@code audit.anchor_mismatch} record the server wrote when it found the trail cut short, or a trail with
 * no keyed record at all (the server keys a legacy trail when it opens it). A last line
 * without its newline is a record a crash cut mid-write; it is reported, not counted as damage, as the
 * server drops it when it opens the trail. The notes also list changes whose "started" record has no
 * outcome after it (same request id).
 */
public final class AuditVerifier {
  private final AuditKey key;
  private final Optional<AuditAnchor.Head> anchor;

  private long lineNumber;
  private long expectedSeq = 1;
  private long legacy;
  private boolean keyed;
  private String previous = AuditLine.GENESIS;
  /** Changes whose "started" record has no outcome yet: request id to seq. */
  private final java.util.Map<String, Long> unfinished = new java.util.LinkedHashMap<>();

  private AuditVerifier(AuditKey key, Optional<AuditAnchor.Head> anchor) {
    this.key = key;
    this.anchor = anchor;
  }

  /**
   * The result: the intact records, how many of them are legacy (unkeyed), the first bad line and its seq
   * (0 when intact), what is wrong, and notes on what was not or could not be checked.
   */
  public record Verification(long records, long legacyRecords, long brokenLine, long brokenSeq, String problem,
      List<String> notes) {
    public Verification {
      notes = List.copyOf(notes);
    }

    public boolean intact() {
      return problem.isEmpty();
    }
  }

  /** Verifies {@code file} with {@code key}, and its end against {@code anchor} when one is given. */
  public static Verification verify(Path file, AuditKey key, Optional<AuditAnchor.Head> anchor) throws IOException {
    return new AuditVerifier(key, anchor).run(file);
  }

  /** "record 41 missing" or "records 41..57 missing: the anchor says head is 57, the file ends at 40". */
  static String missing(long fileEnd, long anchored) {
    return (anchored == fileEnd + 1 ? "record " + anchored + " missing" : "records " + (fileEnd + 1) + ".." + anchored
        + " missing") + ": the anchor says head is " + anchored + ", the file ends at " + fileEnd;
  }

  private Verification run(Path file) throws IOException {
    List<String> notes = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      int filled = 0;
      int read;
      while ((read = in.read(buffer, filled, buffer.length - filled)) >= 0) {
        filled += read;
        int start = 0;
        for (int i = 0; i < filled; i++) {
          if (buffer[i] == '\n') {
            Optional<Verification> broken = line(buffer, start, i);
            if (broken.isPresent()) {
              return broken.get();
            }
            start = i + 1;
          }
        }
        System.arraycopy(buffer, start, buffer, 0, filled - start);
        filled -= start;
        if (filled == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
      }
      if (filled > 0 && !new String(buffer, 0, filled, StandardCharsets.UTF_8).isBlank()) {
        notes.add("line " + (lineNumber + 1) + " is unfinished (a write cut short by a crash; the server drops it "
            + "when it opens the trail)");
      }
    }
    long last = expectedSeq - 1;
    if (anchor.isPresent()) {
      long anchored = anchor.get().seq();
      if (anchored > last) {
        return broken(lineNumber + 1, last + 1, missing(last, anchored), notes);
      }
      notes.add("the anchor's head, record " + anchored + ", is in the trail");
    } else {
      notes.add("no anchor checked: records cut off the end of the trail would not be noticed");
    }
    if (legacy > 0 && !keyed) {
      // The server keys a legacy trail as soon as it opens it; a trail without a keyed record is either a
      // copy from before that, or a keyed trail rewritten in the unkeyed format by someone without the key.
      return broken(lineNumber, last, "no record is keyed: all " + legacy + " records are a legacy unkeyed "
          + "SHA-256 chain, which whoever can write the file can rewrite", notes);
    }
    if (!unfinished.isEmpty()) {
      notes.add(unfinished.size() + " change(s) started without an outcome recorded (in flight, or the server "
          + "stopped or failed to record it): records " + unfinished.values().stream().limit(10)
          .map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
          + (unfinished.size() > 10 ? ", ..." : ""));
    }
    if (legacy > 0) {
      notes.add("records 1.." + legacy + " are a legacy unkeyed SHA-256 chain, pinned by the first keyed record's "
          + "prev_hash");
    }
    return new Verification(last, legacy, 0, 0, "", notes);
  }

  /** Checks one line ({@code bytes[from, to)}, without its newline). */
  private Optional<Verification> line(byte[] bytes, int from, int to) {
    lineNumber++;
    if (new String(bytes, from, to - from, StandardCharsets.UTF_8).isBlank()) {
      return Optional.empty();
    }
    ObjectNode record;
    try {
      record = AuditLine.parse(bytes, from, to);
    } catch (JsonProcessingException e) {
      return fail(expectedSeq, "not a JSON record (" + e.getOriginalMessage() + ")");
    }
    JsonNode seqNode = record.get("seq");
    if (seqNode == null || !seqNode.canConvertToExactIntegral() || !seqNode.isIntegralNumber()) {
      return fail(expectedSeq, "the record has no integer seq");
    }
    long seq = seqNode.asLong();
    if (seq > expectedSeq) {
      return fail(expectedSeq, (seq == expectedSeq + 1 ? "record " + expectedSeq : "records " + expectedSeq + ".."
          + (seq - 1)) + " missing: line " + lineNumber + " holds record " + seq);
    }
    if (seq < expectedSeq) {
      return fail(seq, "record " + seq + " where record " + expectedSeq + " was expected (repeated or reordered)");
    }
    String problem;
    if (record.has("key")) {
      keyed = true;
      String keyId = record.path("key").asText();
      problem = !keyId.equals(key.id()) ? "the record was made with key " + keyId + ", not with the key given ("
          + key.id() + ")" : AuditLine.checkMac(bytes, from, to, key);
    } else {
      problem = keyed ? "an unkeyed record after the keyed chain began" : AuditLine.checkLegacy(bytes, from, to, record);
      legacy += problem == null ? 1 : 0;
    }
    if (problem == null && !previous.equals(record.path("prev_hash").asText())) {
      problem = "its prev_hash is not the hash of the record before";
    }
    String hash = record.path("hash").asText();
    if (problem == null && anchor.isPresent() && anchor.get().seq() == seq && anchor.get().hash() != null
        && !anchor.get().hash().equals(hash)) {
      problem = "it is not the record the anchor names (the trail was rewritten or replaced)";
    }
    if (problem == null && record.has("key") && AuditTrail.ANCHOR_MISMATCH.equals(record.path("action").asText())) {
      problem = "when the server opened the trail it did not reach its anchor: " + record.path("reason").asText();
    }
    if (problem != null) {
      return fail(seq, problem);
    }
    previous = hash;
    expectedSeq++;
    String requestId = record.path("request_id").asText();
    if (!requestId.isEmpty()) {
      if ("started".equals(record.path("outcome").asText())) {
        unfinished.put(requestId, seq);
      } else {
        unfinished.remove(requestId);
      }
    }
    return Optional.empty();
  }

  private Optional<Verification> fail(long seq, String problem) {
    return Optional.of(broken(lineNumber, seq, problem, List.of()));
  }

  private Verification broken(long line, long seq, String problem, List<String> notes) {
    return new Verification(expectedSeq - 1, legacy, line, seq, problem, notes);
  }
}
