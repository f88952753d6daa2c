package dev.signet.benchmarks;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One policy decision in process against the 10,000 rules of {@link BenchmarkPolicies}, sampled for
 * percentiles. Target: p99 ≤ 50 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBenchmark {
  private PolicyEngine engine;
  private final SpiffeId caller = SpiffeId.parse("spiffe://example.org/svc-42/api");
  private final Map<String, Object> context = Map.of("hour", 10L, "source", "10.1.2.3");

  @Setup
  public void setUp() throws Exception {
    Path dir = Files.createTempDirectory("signet-policy-bench");
    BenchmarkPolicies.write(dir);
    engine = new PolicyEngine(PolicyFiles.load(dir));
    if (engine.size() != 10_000) {
      throw new IllegalStateException("expected 10000 rules, got " + engine.size());
    }
  }

  @Benchmark
  public PolicyEngine.Decision evaluateAgainst10kRules() {
    return engine.evaluate(caller, "data/svc-42/orders/7", "a57", context, Map.of());
  }
}
