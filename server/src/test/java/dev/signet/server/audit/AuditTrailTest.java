package dev.signet.server.audit;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.time.ManualClock;
import dev.signet.server.cli.ServerMain;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keyed chain holds, detects every kind of tampering, survives a restart, and fail-closed refuses. */
class AuditTrailTest {
  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final AuditKey key = AuditKey.of(new byte[32]);
  private final MemoryAnchor anchor = new MemoryAnchor();

  @TempDir Path temp;

  /** The anchor as a field: the datastore's, minus the database. */
  static final class MemoryAnchor implements AuditAnchor {
    Optional<Head> head = Optional.empty();

    @Override
    public Optional<Head> load() {
      return head;
    }

    @Override
    public void save(Head head) {
      this.head = Optional.of(head);
    }
  }

  private AuditTrail open(Path file) throws Exception {
    return AuditTrail.open(file, key, anchor, clock);
  }

  private AuditVerifier.Verification verify(Path file) throws Exception {
    return AuditVerifier.verify(file, key, anchor.load());
  }

  private Path trailWith(int records) throws Exception {
    Path file = temp.resolve("audit.log");
    try (AuditTrail trail = open(file)) {
      for (int i = 0; i < records; i++) {
        trail.append("local uid 0", "spire.api.server.entry.v1.Entry/BatchCreateEntry", "ok", "", "req-" + i);
      }
    }
    return file;
  }

  @Test
  void aQueryReturnsTheNewestMatchesUpToItsLimitAndAHalfWrittenLastRecordIsDropped() throws Exception {
    Path file = trailWith(10);
    Files.writeString(file, "{\"seq\": 11, \"actor\": \"loc", java.nio.file.StandardOpenOption.APPEND);
    // A record cut short by a crash never ended its line: opening the trail drops it and the chain holds.
    try (AuditTrail trail = open(file)) {
      assertThat(trail.query(r -> r.path("request_id").asText().compareTo("req-2") >= 0, 3))
          .extracting(r -> r.path("request_id").asText()).containsExactly("req-7", "req-8", "req-9");
      trail.append("local uid 0", "x", "ok", "", "req-10");
    }
    assertThat(verify(file).intact()).isTrue();
  }

  /**
   * The trail is read backwards in chunks: any chunk size (lines straddling chunk boundaries, chunks smaller
   * than a line) gives the same answer as a forward scan, for every limit and a filter that skips records.
   */
  @Test
  void backwardReadingInChunksAgreesWithAForwardScan() throws Exception {
    Path file = trailWith(200);
    List<String> all = Files.readAllLines(file);
    try (AuditTrail trail = open(file)) {
      for (int chunk : new int[] {1, 7, 100, 333, 4096, 1 << 20}) {
        for (int limit : new int[] {1, 3, 50, 199, 200, 500}) {
          List<String> expected = new ArrayList<>();
          for (String line : all) {
            String id = line.replaceAll(".*\"request_id\":\"(req-[0-9]+)\".*", "$1");
            if (Integer.parseInt(id.substring(4)) % 3 != 1) {
              expected.add(id);
            }
          }
          List<String> newest = expected.subList(Math.max(0, expected.size() - limit), expected.size());
          assertThat(trail.query(r -> Integer.parseInt(r.path("request_id").asText().substring(4)) % 3 != 1, limit,
              chunk)).as("chunk %d, limit %d", chunk, limit).extracting(r -> r.path("request_id").asText())
              .containsExactlyElementsOf(newest);
        }
      }
      assertThat(trail.query(r -> true, 0)).isEmpty();
    }
  }

  /** Multi-byte characters split across chunks, blank lines and a last line without its newline. */
  @Test
  void backwardReadingKeepsUtf8LinesWhole() throws Exception {
    Path file = temp.resolve("utf8.log");
    Files.writeString(file, "{\"n\":1,\"who\":\"zoë ☃ 東京\"}\n\n{\"n\":2,\"who\":\"naïve ✓\"}\n   \n{\"n\":3,\"who\":\"€\"}",
        StandardCharsets.UTF_8);
    for (int chunk = 1; chunk <= 16; chunk++) {
      assertThat(TrailReader.readNewest(file, r -> true, 10, chunk)).as("chunk %d", chunk)
          .extracting(r -> r.path("who").asText()).containsExactly("zoë ☃ 東京", "naïve ✓", "€");
      assertThat(TrailReader.readNewest(file, r -> true, 2, chunk)).extracting(r -> r.path("n").asInt())
          .containsExactly(2, 3);
    }
  }

  @Test
  void anUntouchedTrailVerifiesAndIsCreatedPrivate() throws Exception {
    Path file = trailWith(5);
    assertThat(verify(file).intact()).isTrue();
    assertThat(verify(file).records()).isEqualTo(5);
    assertThat(mode(file)).isEqualTo("rw-------");
  }

  @Test
  void editingDeletingOrReorderingAnyLineIsDetectedAtThatLine() throws Exception {
    Path file = trailWith(5);
    List<String> lines = Files.readAllLines(file);

    List<String> edited = new ArrayList<>(lines);
    edited.set(2, edited.get(2).replace("\"ok\"", "\"PERMISSION_DENIED\""));
    Files.write(file, edited);
    assertThat(verify(file).brokenLine()).isEqualTo(3);

    List<String> deleted = new ArrayList<>(lines);
    deleted.remove(1);
    Files.write(file, deleted);
    assertThat(verify(file).brokenLine()).isEqualTo(2);

    List<String> reordered = new ArrayList<>(lines);
    reordered.set(3, lines.get(4));
    reordered.set(4, lines.get(3));
    Files.write(file, reordered);
    assertThat(verify(file).brokenLine()).isEqualTo(4);

    List<String> truncatedHead = new ArrayList<>(lines.subList(1, lines.size()));
    Files.write(file, truncatedHead);
    assertThat(verify(file).brokenLine()).isEqualTo(1);
  }

  @Test
  void theAuditVerifyCommandExitsNonZeroOnATamperedTrail() throws Exception {
    Path file = trailWith(3);
    Path keyFile = temp.resolve("audit.key");
    Files.write(keyFile, new byte[32]);
    assertThat(ServerMain.commandLine().execute("audit", "verify", "-path", file.toString(), "-key",
        keyFile.toString(), "-head", "3")).isZero();
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(0, lines.get(0).replace("local uid 0", "local uid 1000"));
    Files.write(file, lines);
    assertThat(ServerMain.commandLine().execute("audit", "verify", "-path", file.toString(), "-key",
        keyFile.toString())).isEqualTo(1);
    assertThat(ServerMain.commandLine().execute("audit", "verify", "-path", temp.resolve("none").toString(), "-key",
        keyFile.toString())).isEqualTo(1);
    assertThat(ServerMain.commandLine().execute("audit", "verify", "-path", file.toString())).as("no key")
        .isEqualTo(1);
  }

  @Test
  void aReopenedTrailContinuesTheChain() throws Exception {
    Path file = trailWith(2);
    try (AuditTrail trail = open(file)) {
      assertThat(trail.append("x", "y", "ok", "", "z").get("seq")).isEqualTo(3L);
    }
    assertThat(verify(file).intact()).isTrue();
    assertThat(verify(file).records()).isEqualTo(3);
  }

  @Test
  void failClosedRefusesAStateChangingCallWhoseRecordCannotBeWritten() throws Exception {
    AuditTrail trail = open(temp.resolve("audit.log"));
    trail.close(); // every later write fails, as a full or lost disk would
    AtomicBoolean ran = new AtomicBoolean();
    AtomicReference<Status> closed = new AtomicReference<>();
    new AuditInterceptor(trail, true).interceptCall(call("spire.api.server.entry.v1.Entry/BatchDeleteEntry", closed),
        new Metadata(), (c, h) -> {
          ran.set(true);
          return new ServerCall.Listener<>() {};
        });
    assertThat(ran).isFalse();
    assertThat(closed.get().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

    closed.set(null);
    new AuditInterceptor(trail, false).interceptCall(call("spire.api.server.entry.v1.Entry/BatchDeleteEntry", closed),
        new Metadata(), (c, h) -> {
          ran.set(true);
          return new ServerCall.Listener<>() {};
        });
    assertThat(ran).as("fail-open runs the call and only logs").isTrue();
  }

  /** The trail's file with writes that fail on demand and a settable free space: a disk filling up. */
  static final class FillingDisk implements TrailFile {
    private final TrailFile real;
    final AtomicBoolean full = new AtomicBoolean();
    volatile long usable = Long.MAX_VALUE;

    FillingDisk(TrailFile real) {
      this.real = real;
    }

    @Override
    public long size() throws java.io.IOException {
      return real.size();
    }

    @Override
    public void append(java.nio.ByteBuffer bytes) throws java.io.IOException {
      if (full.get()) {
        real.append(bytes.slice(0, bytes.remaining() / 2)); // a short write, then the disk is full
        throw new java.io.IOException("No space left on device");
      }
      real.append(bytes);
    }

    @Override
    public void truncate(long size) throws java.io.IOException {
      real.truncate(size);
    }

    @Override
    public void force() throws java.io.IOException {
      real.force();
    }

    @Override
    public long usableSpace() {
      return usable;
    }

    @Override
    public void close() throws java.io.IOException {
      real.close();
    }
  }

  private AuditTrail openOn(Path file, AtomicReference<FillingDisk> disk) throws Exception {
    return AuditTrail.open(file, key, anchor, clock, real -> {
      disk.set(new FillingDisk(real));
      return disk.get();
    });
  }

  @Test
  void anOutcomeThatCannotBeWrittenIsOwedAndWrittenBeforeAnyLaterRecord() throws Exception {
    Path file = temp.resolve("audit.log");
    AtomicReference<FillingDisk> disk = new AtomicReference<>();
    try (AuditTrail trail = openOn(file, disk)) {
      trail.appendIntent("admin", "REST POST /api/v1/certificates/rotate", "scope=\"ca\"", "r1");
      assertThat(anchor.load().orElseThrow().seq()).as("the intent is anchored before the change").isEqualTo(1);
      disk.get().full.set(true);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> trail.appendOutcome("admin",
          "REST POST /api/v1/certificates/rotate", "ok", "scope=\"ca\"", "r1")).isInstanceOf(java.io.IOException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> trail.appendIntent("admin", "another change", "", "r2"))
          .as("nothing else is recorded, hence under fail-closed nothing else changes, while the outcome is owed")
          .isInstanceOf(java.io.IOException.class);
      assertThat(Files.readAllLines(file)).hasSize(1);
      disk.get().full.set(false);
      trail.append("admin", "later", "ok", "", "r3");
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).contains("\"outcome\":\"ok\"", "\"request_id\":\"r1\"", "recorded late: the write at");
    assertThat(lines.get(2)).contains("\"action\":\"later\"");
    assertThat(verify(file).intact()).isTrue();
  }

  @Test
  void aChangeIsRefusedWhenTheDiskLacksRoomForItsOutcome() throws Exception {
    Path file = temp.resolve("audit.log");
    AtomicReference<FillingDisk> disk = new AtomicReference<>();
    try (AuditTrail trail = openOn(file, disk)) {
      disk.get().usable = AuditTrail.RESERVE - 1;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> trail.appendIntent("admin", "change", "", "r1"))
          .hasMessageContaining("less than the " + AuditTrail.RESERVE + " kept for the outcome of a change");
      trail.append("agent", "read", "ok", "", "r2");
    }
    assertThat(Files.readAllLines(file)).hasSize(1);
  }

  @Test
  void failClosedAnswersUnavailableInsteadOfOkWhenTheOutcomeCannotBeWritten() throws Exception {
    AtomicReference<FillingDisk> disk = new AtomicReference<>();
    AtomicReference<Status> closed = new AtomicReference<>();
    try (AuditTrail trail = openOn(temp.resolve("audit.log"), disk)) {
      ServerCall<String, String> call = call("spire.api.server.localauthority.v1.LocalAuthority/PrepareX509Authority",
          closed);
      new AuditInterceptor(trail, true).interceptCall(call, new Metadata(), (c, h) -> {
        disk.get().full.set(true); // the change is made, then the disk fills
        c.close(Status.OK, new Metadata());
        return new ServerCall.Listener<>() {};
      });
      assertThat(closed.get().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(closed.get().getDescription()).contains("its outcome could not be written");

      disk.get().full.set(false);
      new AuditInterceptor(trail, false).interceptCall(call, new Metadata(), (c, h) -> {
        c.close(Status.OK, new Metadata());
        return new ServerCall.Listener<>() {};
      });
      assertThat(closed.get().getCode()).isEqualTo(Status.Code.OK);
    }
    assertThat(Files.readAllLines(temp.resolve("audit.log"))).hasSize(3) // started, owed ok, the fail-open call
        .satisfies(lines -> assertThat(lines.get(1)).contains("recorded late"));
  }

  private static ServerCall<String, String> call(String method, AtomicReference<Status> closed) {
    MethodDescriptor.Marshaller<String> marshaller = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(String value) {
        return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public String parse(InputStream stream) {
        return "";
      }
    };
    MethodDescriptor<String, String> descriptor = MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
        .setRequestMarshaller(marshaller).setResponseMarshaller(marshaller).build();
    return new ServerCall<>() {
      @Override
      public void request(int numMessages) {}

      @Override
      public void sendHeaders(Metadata headers) {}

      @Override
      public void sendMessage(String message) {}

      @Override
      public void close(Status status, Metadata trailers) {
        closed.set(status);
      }

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public MethodDescriptor<String, String> getMethodDescriptor() {
        return descriptor;
      }
    };
  }
}
