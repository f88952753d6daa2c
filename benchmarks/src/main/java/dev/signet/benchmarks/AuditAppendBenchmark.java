package dev.signet.benchmarks;

import dev.signet.common.time.ManualClock;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.sql.SqlConfig;
import dev.signet.datastore.sql.SqlDataStore;
import dev.signet.server.audit.AuditAnchor;
import dev.signet.server.audit.AuditKey;
import dev.signet.server.audit.AuditTrail;
import dev.signet.server.audit.DataStoreAuditAnchor;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One audit record appended, one thread, the anchor in the real datastore (H2 in memory: the cost of the
 * SQL write without a disk). {@code append}: a plain append (HMAC, one write; the anchor saved once per
 * {@link AuditTrail#ANCHOR_INTERVAL} of the clock, which this benchmark advances {@code stepMicros} per
 * record: 0 measures the HMAC and the write alone, 1000 adds one fsync and anchor save per 1,000 appends). {@code appendDurably}: the fail-closed append,
 * forced (fdatasync) and anchored every time; it measures the disk of {@code java.io.tmpdir}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class AuditAppendBenchmark {
  /** Clock advance per plain append: 0 never re-anchors (HMAC and write only), 1000 µs anchors one in 1,000. */
  @Param({"0", "1000"})
  public long stepMicros;

  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
  private DataStore store;
  private AuditTrail trail;
  private long n;

  @Setup
  public void setUp() throws Exception {
    Path dir = Files.createTempDirectory("audit-bench");
    store = SqlDataStore.open(SqlConfig.inMemory("audit-bench"), null, clock);
    AuditKey key = AuditKey.loadOrCreate(dir.resolve("audit.key"));
    AuditAnchor anchor = new DataStoreAuditAnchor(store, key);
    trail = AuditTrail.open(dir.resolve("audit.log"), key, anchor, clock);
  }

  @TearDown
  public void tearDown() throws Exception {
    trail.close();
    store.close();
  }

  @Benchmark
  public Object append() throws Exception {
    clock.advance(Duration.ofNanos(stepMicros * 1000));
    return trail.append("spiffe://example.org/agent/x", "svid.x509.issue", "ok",
        "spiffe_id=spiffe://example.org/w serial=1f not_after=2030-01-01T00:00:00Z", "req-" + n++);
  }

  @Benchmark
  public Object appendDurably() throws Exception {
    return trail.appendDurably("spiffe://example.org/admin", "REST POST /api/v1/certificates/rotate", "started",
        "scope=\"ca\" activate=\"true\"", "req-" + n++);
  }
}
