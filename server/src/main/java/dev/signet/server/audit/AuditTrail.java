package dev.signet.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per record ({@code seq}, {@code time}, {@code actor}, {@code action},
 * {@code outcome}, {@code reason}, {@code request_id}, {@code key}, {@code prev_hash}, {@code hash}), chained
 * and keyed: each record's {@code hash} is an HMAC-SHA-256, under a key kept apart from the trail
 * ({@link AuditKey}), of the record's exact bytes, which include the {@code hash} of the record before
 * (layout in {@link AuditLine}). Changing, removing or reordering a record, or rewriting one and every later
 * record, cannot be done without the key ({@link AuditVerifier}).
 *
 * <p><b>Anchor.</b> The newest record's seq and hash are also kept outside the file ({@link AuditAnchor},
 * the datastore in the server), so cutting records off the end, or emptying or replacing the file, is
 * noticed too: by {@code audit verify}, and by {@link #open}, which then writes an
 * {@code audit.anchor_mismatch} record saying which records are missing. The anchor is saved after every
 * {@link #appendDurably durable} append, and after a plain {@link #append} when the last save is at least
 * {@link #ANCHOR_INTERVAL} old; the server also calls {@link #anchorNow} every {@link #ANCHOR_INTERVAL}. So
 * the records of the last second or so (never a fail-closed one) can be cut off without the anchor saying.
 * The trail is forced to disk before each save, so the anchor is never ahead of what a power cut leaves.
 *
 * <p><b>Writes and fsync.</b> A record is one write of one line before the append returns; a write that fails
 * is cut back off, so a full disk leaves no half record and no broken chain behind. A plain append is not
 * forced (it survives a crash of the server, not of the machine, until the next anchor save forces it); a
 * durable append (fail-closed records) is forced (fdatasync) before it returns. The file is created 0600.
 *
 * <p><b>Changes.</b> {@link #appendIntent} (a change is about to happen: refused with less than
 * {@link #RESERVE} bytes free, so the outcome has room) and {@link #appendOutcome} (what it did) frame a
 * state change. An outcome that cannot be written is owed: it is written, marked late, before any later
 * record, and until it is every append fails, so under fail-closed nothing else changes meanwhile.
 */
public final class AuditTrail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  /** How often the head is anchored at most after plain appends, and at least while records come in. */
  public static final Duration ANCHOR_INTERVAL = Duration.ofSeconds(1);
  /** Bytes that must be free on the trail's file system before a change's intent is recorded. */
  public static final long RESERVE = 1 << 20;
  /** How much of the trail a query reads at a time, from the end. */
  private static final int QUERY_CHUNK = 64 * 1024;
  static final String GENESIS = AuditLine.GENESIS;
  static final String ANCHOR_MISMATCH = "audit.anchor_mismatch";
  static final String KEYED_CHAIN_START = "audit.keyed_chain_start";

  private final Path file;
  private final Clock clock;
  private final TrailFile out;
  private final AuditKey key;
  private final AuditAnchor anchor;
  private final List<Map<String, Object>> owed = new ArrayList<>();
  private long seq;
  private String lastHash;
  /** Where the file ends after the last whole record: where a failed append is cut back to. */
  private long end;
  private volatile long headSeq;
  private volatile long anchoredSeq;
  private Instant lastAnchorSave = Instant.MIN;

  private AuditTrail(Path file, Clock clock, TrailFile out, AuditKey key, AuditAnchor anchor, long seq,
      String lastHash) throws IOException {
    this.file = file;
    this.clock = clock;
    this.out = out;
    this.key = key;
    this.anchor = anchor;
    this.seq = seq;
    this.headSeq = seq;
    this.lastHash = lastHash;
    this.end = out.size();
  }

  /** Opens (creating 0600) the trail at {@code file}, continuing its chain under {@code key}. */
  public static AuditTrail open(Path file, AuditKey key, AuditAnchor anchor, Clock clock) throws IOException {
    return open(file, key, anchor, clock, UnaryOperator.identity());
  }

  /**
   * {@link #open} with the file wrapped by {@code wrap} (tests: writes that fail, a full disk). A legacy
   * (unkeyed) trail is continued with an {@code audit.keyed_chain_start} record whose {@code prev_hash}
   * pins the legacy records; a trail behind its anchor gets an {@code audit.anchor_mismatch} record.
   */
  public static AuditTrail open(Path file, AuditKey key, AuditAnchor anchor, Clock clock,
      UnaryOperator<TrailFile> wrap) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    if (!Files.exists(file)) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    dropUnfinishedRecord(file);
    long seq = 0;
    String last = GENESIS;
    boolean legacy = false;
    String tail = TrailReader.lastLine(file);
    if (!tail.isEmpty()) {
      byte[] bytes = tail.getBytes(StandardCharsets.UTF_8);
      ObjectNode record;
      try {
        record = AuditLine.parse(bytes, 0, bytes.length);
      } catch (JsonProcessingException e) {
        throw new IOException("the last record of the audit trail " + file + " is damaged ("
            + e.getOriginalMessage() + "); run signet-server audit verify", e);
      }
      seq = record.path("seq").asLong();
      last = record.path("hash").asText();
      legacy = !record.has("key");
    }
    AuditTrail trail = new AuditTrail(file, clock, wrap.apply(TrailFile.open(file)), key, anchor, seq, last);
    try {
      Optional<String> gap = trail.checkAnchor(); // before anything written here moves the anchor
      if (legacy) {
        trail.appendDurably("signet-server", KEYED_CHAIN_START, "ok", "records 1.." + seq + " are a legacy "
            + "unkeyed SHA-256 chain, pinned by this record's prev_hash; from here every record carries an "
            + "HMAC-SHA-256 under key " + key.id(), "");
      }
      if (gap.isPresent()) {
        LOG.error("audit trail {} does not reach its anchor: {}", file, gap.get());
        trail.appendDurably("signet-server", ANCHOR_MISMATCH, "error", gap.get(), "");
      }
    } catch (IOException | RuntimeException e) {
      trail.out.close(); // not close(): the anchor must not move to a head that was not checked
      throw e;
    }
    return trail;
  }

  /** What is wrong between the file and its anchor, if anything. */
  private Optional<String> checkAnchor() throws IOException {
    Optional<AuditAnchor.Head> head = anchor.load();
    if (head.isEmpty()) {
      return Optional.empty();
    }
    long anchored = head.get().seq();
    if (anchored > seq) {
      return Optional.of(AuditVerifier.missing(seq, anchored));
    }
    String found = anchored == seq ? lastHash : TrailReader.readNewest(file, r -> r.path("seq").asLong() == anchored, 1,
        QUERY_CHUNK).stream().map(r -> r.path("hash").asText()).findFirst().orElse("");
    if (!found.equals(head.get().hash())) {
      return Optional.of("record " + anchored + " is not the record the anchor names: the trail was rewritten "
          + "or replaced");
    }
    return Optional.empty();
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

  public Path file() {
    return file;
  }

  /**
   * Appends one record and returns its fields; throws when it cannot be written (the caller decides
   * fail-closed). Not forced to disk; anchors the head when the last anchor save is {@link #ANCHOR_INTERVAL}
   * old (a failing anchor save is logged, the record stands).
   */
  public synchronized Map<String, Object> append(String actor, String action, String outcome, String reason,
      String requestId) throws IOException {
    Map<String, Object> record = write(actor, action, outcome, reason, requestId);
    if (!clock.instant().isBefore(lastAnchorSave.plus(ANCHOR_INTERVAL))) {
      try {
        anchorNow();
      } catch (IOException | RuntimeException e) {
        LOG.warn("audit trail head {} not anchored: {}", seq, e.getMessage());
      }
    }
    return record;
  }

  /**
   * Appends one record, forces it to disk and anchors it before returning: the fail-closed write. Throws
   * when any of the three fails (the record may then stand in the file without its anchor).
   */
  public synchronized Map<String, Object> appendDurably(String actor, String action, String outcome, String reason,
      String requestId) throws IOException {
    Map<String, Object> record = write(actor, action, outcome, reason, requestId);
    anchorNow();
    return record;
  }

  /**
   * Records, durably, that a change is about to be made. Refused (IOException) when less than
   * {@link #RESERVE} bytes are usable on the trail's file system, so that the outcome record written after
   * the change still has room; a change whose intent cannot be recorded must not be made.
   */
  public synchronized Map<String, Object> appendIntent(String actor, String action, String reason,
      String requestId) throws IOException {
    long usable = out.usableSpace();
    if (usable < RESERVE) {
      throw new IOException("only " + usable + " bytes usable beside the audit trail " + file + ", less than the "
          + RESERVE + " kept for the outcome of a change");
    }
    return appendDurably(actor, action, "started", reason, requestId);
  }

  /**
   * Records, durably, what a change did. If the record cannot be written it is owed: kept and written
   * (marked late) before any later record, and until then every append fails. The IOException still
   * reaches the caller, who must not acknowledge the change as recorded.
   */
  public synchronized Map<String, Object> appendOutcome(String actor, String action, String outcome, String reason,
      String requestId) throws IOException {
    long before = seq;
    try {
      return appendDurably(actor, action, outcome, reason, requestId);
    } catch (IOException e) {
      if (seq == before) { // not written at all (not merely left unanchored): owe it
        Map<String, Object> late = new LinkedHashMap<>();
        late.put("actor", actor);
        late.put("action", action);
        late.put("outcome", outcome);
        late.put("reason", (reason == null || reason.isEmpty() ? "" : reason + "; ") + "recorded late: the write at "
            + clock.instant() + " failed (" + e.getMessage() + ")");
        late.put("request_id", requestId);
        if (owed.stream().noneMatch(o -> o.equals(late))) {
          owed.add(late);
        }
      }
      throw e;
    }
  }

  /** Forces the trail and anchors its head, if it moved since the last save. */
  public synchronized void anchorNow() throws IOException {
    lastAnchorSave = clock.instant();
    if (seq == anchoredSeq || seq == 0) {
      return;
    }
    out.force();
    anchor.save(new AuditAnchor.Head(seq, lastHash));
    anchoredSeq = seq;
  }

  /** The seq of the newest record written (0 for an empty trail). */
  public long headSeq() {
    return headSeq;
  }

  /** The seq of the newest record anchored outside the trail by this process (0 before the first save). */
  public long anchoredSeq() {
    return anchoredSeq;
  }

  /** Writes the owed outcomes, then one record: one write each, cut back off if it fails. */
  private Map<String, Object> write(String actor, String action, String outcome, String reason, String requestId)
      throws IOException {
    while (!owed.isEmpty()) {
      Map<String, Object> late = owed.getFirst();
      writeOne((String) late.get("actor"), (String) late.get("action"), (String) late.get("outcome"),
          (String) late.get("reason"), (String) late.get("request_id"));
      owed.removeFirst();
    }
    return writeOne(actor, action, outcome, reason, requestId);
  }

  private Map<String, Object> writeOne(String actor, String action, String outcome, String reason,
      String requestId) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("seq", seq + 1);
    record.put("time", clock.instant().toString());
    record.put("actor", actor);
    record.put("action", action);
    record.put("outcome", outcome);
    record.put("reason", reason == null ? "" : reason);
    record.put("request_id", requestId == null ? "" : requestId);
    record.put("key", key.id());
    record.put("prev_hash", lastHash);
    byte[] line = AuditLine.keyed(record, key);
    String hash = new String(line, line.length - 67, 64, StandardCharsets.US_ASCII);
    try {
      out.append(ByteBuffer.wrap(line));
    } catch (IOException e) {
      out.truncate(end);
      throw e;
    }
    end += line.length;
    record.put("hash", hash);
    seq++;
    headSeq = seq;
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
        return TrailReader.readNewest(file, filter, limit, chunk);
      } catch (TrailReader.TrailShrank e) {
        return TrailReader.readNewest(file, filter, limit, chunk);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit trail " + file, e);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      anchorNow();
    } catch (IOException | RuntimeException e) {
      LOG.warn("audit trail head {} not anchored at close: {}", seq, e.getMessage());
    }
    out.close();
  }
}
