package dev.signet.benchmarks;

import dev.signet.server.audit.AuditTrail;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** One audit record appended, one thread (baseline: the unkeyed SHA-256 chain). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class AuditAppendBenchmark {
  private Path dir;
  private AuditTrail trail;
  private long n;

  @Setup
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("audit-bench");
    trail = AuditTrail.open(dir.resolve("audit.log"), Clock.systemUTC());
  }

  @TearDown
  public void tearDown() throws Exception {
    trail.close();
  }

  @Benchmark
  public Object append() throws Exception {
    return trail.append("spiffe://example.org/agent/x", "svid.x509.issue", "ok",
        "spiffe_id=spiffe://example.org/w serial=1f not_after=2030-01-01T00:00:00Z", "req-" + n++);
  }
}
