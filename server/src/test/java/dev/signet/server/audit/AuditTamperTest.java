package dev.signet.server.audit;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.common.time.ManualClock;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.datastore.sql.SqlDataStore;
import dev.signet.server.cli.ServerMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks the unkeyed chain let through, each now named by {@code audit verify} at the first bad record:
 * cutting off the newest records, emptying the file, rewriting a record and every later one, a duplicate
 * field; and the anchor kept in the real datastore (in-memory H2) across restarts.
 */
class AuditTamperTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final DataStore store = SqlDataStore.open(SqlConfig.inMemory("audit-" + UUID.randomUUID()), null, clock);

  @TempDir Path temp;

  @AfterEach
  void closeStore() {
    store.close();
  }

  private AuditKey key() throws Exception {
    return AuditKey.loadOrCreate(temp.resolve("data/audit.key"));
  }

  private DataStoreAuditAnchor anchor() throws Exception {
    return new DataStoreAuditAnchor(store, key());
  }

  private Path trailWith(int records) throws Exception {
    Path file = temp.resolve("audit.log");
    try (AuditTrail trail = AuditTrail.open(file, key(), anchor(), clock)) {
      for (int i = 0; i < records; i++) {
        trail.append("local uid 0", "spire.api.server.entry.v1.Entry/BatchCreateEntry", "ok", "", "req-" + i);
      }
    }
    return file;
  }

  private AuditVerifier.Verification verify(Path file) throws Exception {
    return AuditVerifier.verify(file, key(), anchor().load());
  }

  private void keepLines(Path file, int count) throws Exception {
    Files.write(file, Files.readAllLines(file).subList(0, count));
  }

  @Test
  void theKeyIsCreatedOnceAsAPrivateFileAndNeverShown() throws Exception {
    AuditKey first = key();
    assertThat(mode(temp.resolve("data/audit.key")))
        .isEqualTo("rw-------");
    assertThat(Files.size(temp.resolve("data/audit.key"))).isEqualTo(32);
    assertThat(key().id()).isEqualTo(first.id());
    assertThat(first.toString()).isEqualTo("AuditKey[id=" + first.id() + "]");
    assertThat(AuditKey.loadOrCreate(temp.resolve("other.key")).id()).isNotEqualTo(first.id());
  }

  @Test
  void aHealthyTrailVerifiesAcrossRestartsAgainstItsAnchorInTheDatastore() throws Exception {
    Path file = trailWith(3);
    try (AuditTrail trail = AuditTrail.open(file, key(), anchor(), clock)) {
      assertThat(trail.append("x", "y", "ok", "", "z").get("seq")).isEqualTo(4L);
      trail.appendDurably("x", "y", "ok", "", "z");
      assertThat(trail.headSeq()).isEqualTo(5);
      assertThat(trail.anchoredSeq()).isEqualTo(5);
    }
    assertThat(anchor().load().orElseThrow().seq()).isEqualTo(5);
    AuditVerifier.Verification result = verify(file);
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.records()).isEqualTo(5);
    assertThat(result.notes()).containsExactly("the anchor's head, record 5, is in the trail");
  }

  @Test
  void verifyListsChangesStartedWithoutAnOutcome() throws Exception {
    Path file = temp.resolve("audit.log");
    try (AuditTrail trail = AuditTrail.open(file, key(), anchor(), clock)) {
      trail.appendIntent("admin", "rotate", "", "r1");
      trail.appendOutcome("admin", "rotate", "ok", "", "r1");
      trail.appendIntent("admin", "rotate", "", "r2"); // the server stopped before the outcome
    }
    assertThat(verify(file).notes()).contains("1 change(s) started without an outcome recorded (in flight, or the "
        + "server stopped or failed to record it): records 3");
  }

  @Test
  void cuttingOffTheNewestRecordsIsDetectedAgainstTheAnchor() throws Exception {
    Path file = trailWith(57);
    keepLines(file, 40);
    AuditVerifier.Verification result = verify(file);
    assertThat(result.intact()).isFalse();
    assertThat(result.brokenLine()).isEqualTo(41);
    assertThat(result.brokenSeq()).isEqualTo(41);
    assertThat(result.records()).isEqualTo(40);
    assertThat(result.problem()).isEqualTo("records 41..57 missing: the anchor says head is 57, the file ends at 40");
    assertThat(AuditVerifier.verify(file, key(), java.util.Optional.empty()).notes())
        .contains("no anchor checked: records cut off the end of the trail would not be noticed");
  }

  @Test
  void emptyingTheFileIsDetectedAndTheServerRecordsTheGapWhenItOpensTheTrail() throws Exception {
    Path file = trailWith(57);
    Files.write(file, new byte[0]);
    assertThat(verify(file).problem())
        .isEqualTo("records 1..57 missing: the anchor says head is 57, the file ends at 0");

    // A restart on the emptied file: the server says so in the (new) trail, and that record stays a failure
    // after the anchor has moved on to it.
    try (AuditTrail trail = AuditTrail.open(file, key(), anchor(), clock)) {
      trail.append("x", "y", "ok", "", "z");
    }
    AuditVerifier.Verification result = verify(file);
    assertThat(result.brokenLine()).isEqualTo(1);
    assertThat(result.brokenSeq()).isEqualTo(1);
    assertThat(result.problem()).isEqualTo("when the server opened the trail it did not reach its anchor: "
        + "records 1..57 missing: the anchor says head is 57, the file ends at 0");
  }

  @Test
  void aTrailReplacedByAnotherOfTheSameLengthIsNotTheAnchoredOne() throws Exception {
    Path file = trailWith(3);
    Files.move(file, temp.resolve("original.log"));
    // Another trail of three records, under the same key (its owner could do this): not the anchored head.
    MemoryAnchorFake other = new MemoryAnchorFake();
    try (AuditTrail trail = AuditTrail.open(file, key(), other, clock)) {
      for (int i = 0; i < 3; i++) {
        trail.append("someone", "harmless", "ok", "", "r" + i);
      }
    }
    clock.advance(java.time.Duration.ofSeconds(1));
    assertThat(verify(file).brokenSeq()).isEqualTo(3);
    assertThat(verify(file).problem()).startsWith("it is not the record the anchor names");
  }

  /** An anchor of its own, so a second trail does not move the datastore's. */
  private static final class MemoryAnchorFake implements AuditAnchor {
    private java.util.Optional<Head> head = java.util.Optional.empty();

    @Override
    public java.util.Optional<Head> load() {
      return head;
    }

    @Override
    public void save(Head head) {
      this.head = java.util.Optional.of(head);
    }
  }

  @Test
  void rewritingARecordAndRecomputingEveryLaterHashWithoutTheKeyIsDetectedAtThatRecord() throws Exception {
    Path file = trailWith(6);
    List<String> lines = Files.readAllLines(file);
    AuditKey forger = AuditKey.of(new byte[32]); // not the server's key
    List<String> forged = new ArrayList<>(lines.subList(0, 2));
    String previous = JSON.readTree(lines.get(1)).path("hash").asText();
    for (String line : lines.subList(2, lines.size())) {
      @SuppressWarnings("unchecked")
      Map<String, Object> record = JSON.readValue(line, LinkedHashMap.class);
      record.remove("hash");
      record.put("outcome", "PERMISSION_DENIED");
      record.put("prev_hash", previous);
      String rewritten = new String(AuditLine.keyed(record, forger), StandardCharsets.UTF_8).strip();
      previous = JSON.readTree(rewritten).path("hash").asText();
      forged.add(rewritten);
    }
    Files.write(file, forged);
    AuditVerifier.Verification result = verify(file);
    assertThat(result.brokenLine()).isEqualTo(3);
    assertThat(result.brokenSeq()).isEqualTo(3);
    assertThat(result.problem()).isEqualTo("its HMAC does not match its content (changed, or written without the key)");
  }

  @Test
  void aKeyedTrailRewrittenAsAnUnkeyedOneIsRefused() throws Exception {
    Path file = trailWith(4);
    List<String> legacy = new ArrayList<>();
    String previous = AuditLine.GENESIS;
    for (String line : Files.readAllLines(file)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> record = JSON.readValue(line, LinkedHashMap.class);
      record.remove("hash");
      record.remove("key");
      record.put("prev_hash", previous);
      previous = sha256(JSON.writeValueAsBytes(record));
      record.put("hash", previous);
      legacy.add(JSON.writeValueAsString(record));
    }
    Files.write(file, legacy);
    assertThat(verify(file).brokenSeq()).as("against the anchor").isEqualTo(4);
    assertThat(AuditVerifier.verify(file, key(), java.util.Optional.empty()).problem()).as("without it")
        .startsWith("no record is keyed: all 4 records are a legacy unkeyed SHA-256 chain");
  }

  @Test
  void aDuplicateFieldIsNotARecordForVerifyNorForQueries() throws Exception {
    Path file = trailWith(4);
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    // First-wins readers (and grep) would see "ok", last-wins readers "PERMISSION_DENIED".
    lines.set(1, lines.get(1).replace(",\"reason\"", ",\"outcome\":\"PERMISSION_DENIED\",\"reason\""));
    Files.write(file, lines);
    AuditVerifier.Verification result = verify(file);
    assertThat(result.brokenLine()).isEqualTo(2);
    assertThat(result.brokenSeq()).isEqualTo(2);
    assertThat(result.problem()).startsWith("not a JSON record (Duplicate field 'outcome'");
    assertThat(TrailReader.readNewest(file, r -> true, 10, 4096)).extracting(r -> r.path("seq").asLong())
        .containsExactly(1L, 3L, 4L);
  }

  @Test
  void aCrashCutLastLineIsReportedNotCountedAndDroppedOnOpen() throws Exception {
    Path file = trailWith(3);
    Files.writeString(file, "{\"seq\":4,\"time\":\"20", StandardOpenOption.APPEND);
    AuditVerifier.Verification result = verify(file);
    assertThat(result.intact()).isTrue();
    assertThat(result.notes()).contains("line 4 is unfinished (a write cut short by a crash; the server drops it "
        + "when it opens the trail)");
    try (AuditTrail trail = AuditTrail.open(file, key(), anchor(), clock)) {
      assertThat(trail.append("x", "y", "ok", "", "z").get("seq")).isEqualTo(4L);
    }
    assertThat(verify(file).intact()).isTrue();
    assertThat(verify(file).records()).isEqualTo(4);
  }

  @Test
  void aLegacyTrailIsKeptPinnedAndContinuedWithAMarkedRecord() throws Exception {
    Path file = temp.resolve("audit.log");
    List<String> legacy = new ArrayList<>();
    String previous = AuditLine.GENESIS;
    for (int i = 1; i <= 3; i++) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("seq", i);
      record.put("time", "2029-01-01T00:00:00Z");
      record.put("actor", "local uid 0");
      record.put("action", "spire.api.server.entry.v1.Entry/BatchCreateEntry");
      record.put("outcome", "ok");
      record.put("reason", "");
      record.put("request_id", "old-" + i);
      record.put("prev_hash", previous);
      previous = sha256(JSON.writeValueAsBytes(record));
      record.put("hash", previous);
      legacy.add(JSON.writeValueAsString(record));
    }
    Files.write(file, legacy);
    try (AuditTrail trail = AuditTrail.open(file, key(), anchor(), clock)) {
      trail.append("x", "y", "ok", "", "z");
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines.subList(0, 3)).as("old records untouched").isEqualTo(legacy);
    assertThat(JSON.readTree(lines.get(3)).path("action").asText()).isEqualTo("audit.keyed_chain_start");
    assertThat(JSON.readTree(lines.get(3)).path("prev_hash").asText()).isEqualTo(previous);
    AuditVerifier.Verification result = verify(file);
    assertThat(result.intact()).as(result.problem()).isTrue();
    assertThat(result.records()).isEqualTo(5);
    assertThat(result.legacyRecords()).isEqualTo(3);

    // Rewriting a legacy record and its legacy successors breaks the keyed record that pins them.
    List<String> rewritten = new ArrayList<>(lines);
    String prev = JSON.readTree(lines.get(0)).path("hash").asText();
    for (int i = 1; i < 3; i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> record = JSON.readValue(lines.get(i), LinkedHashMap.class);
      record.remove("hash");
      record.put("actor", "local uid 1000");
      record.put("prev_hash", prev);
      prev = sha256(JSON.writeValueAsBytes(record));
      record.put("hash", prev);
      rewritten.set(i, JSON.writeValueAsString(record));
    }
    Files.write(file, rewritten);
    assertThat(verify(file).brokenSeq()).isEqualTo(4);
    assertThat(verify(file).problem()).isEqualTo("its prev_hash is not the hash of the record before");
  }

  @Test
  void theCliNamesTheFirstBadRecordAndWhatIsMissing() throws Exception {
    Path file = trailWith(57);
    Path keyFile = temp.resolve("data/audit.key");
    assertThat(run("audit", "verify", "-path", file.toString(), "-key", keyFile.toString(), "-head", "57"))
        .isEqualTo("0|audit trail intact: 57 records, keyed with key " + key().id()
            + "\n  note: the anchor's head, record 57, is in the trail\n|");
    keepLines(file, 40);
    assertThat(run("audit", "verify", "-path", file.toString(), "-key", keyFile.toString(), "-head", "57"))
        .isEqualTo("1||Error: audit trail broken at line 41 (record 41): records 41..57 missing: the anchor says "
            + "head is 57, the file ends at 40 (40 records before it are intact)\n");
    assertThat(run("audit", "verify", "-path", file.toString(), "-key", temp.resolve("nokey").toString()))
        .startsWith("1||Error: cannot read the audit trail or its key");
  }

  @Test
  void theCliReadsTrailKeyAndAnchorFromTheServerConfiguration() throws Exception {
    Path data = temp.resolve("server");
    Path conf = temp.resolve("server.conf");
    Files.writeString(conf, """
        server {
          trust_domain = "example.org"
          data_dir = "%s"
        }
        plugins {
          DataStore "sql" {
            plugin_data {
              database_type = "h2"
              connection_string = "%s"
            }
          }
          KeyManager "memory" {
            plugin_data {}
          }
          NodeAttestor "join_token" {
            plugin_data {}
          }
        }
        """.formatted(data, data.resolve("datastore")));
    var config = dev.signet.server.config.ServerConfigLoader.load(conf, dev.signet.server.config.ServerFlags.NONE)
        .config();
    AuditKey serverKey = AuditKey.loadOrCreate(data.resolve(AuditKey.FILE_NAME));
    try (DataStore h2 = SqlDataStore.open(config.dataStore(), config.dataDir(), clock);
        AuditTrail trail = AuditTrail.open(config.audit().path(), serverKey, new DataStoreAuditAnchor(h2, serverKey),
            clock)) {
      for (int i = 0; i < 5; i++) {
        trail.append("x", "y", "ok", "", "r" + i);
      }
    }
    assertThat(run("audit", "verify", "-config", conf.toString())).startsWith("0|audit trail intact: 5 records")
        .contains("the anchor's head, record 5, is in the trail");
    keepLines(config.audit().path(), 3);
    // (the datastore's log line goes to stderr first)
    assertThat(run("audit", "verify", "-config", conf.toString())).startsWith("1||").endsWith("Error: audit trail broken at line 4 "
        + "(record 4): records 4..5 missing: the anchor says head is 5, the file ends at 3 (3 records before it are "
        + "intact)\n");
  }

  /** Runs the CLI in process: "exit|stdout|stderr". */
  private static String run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
      int exit = ServerMain.commandLine().execute(args);
      return exit + "|" + stdout.toString(StandardCharsets.UTF_8) + "|" + stderr.toString(StandardCharsets.UTF_8);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
