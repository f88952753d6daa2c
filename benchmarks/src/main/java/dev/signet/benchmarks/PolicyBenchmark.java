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
 * One policy decision in process against 10,000 rules (100 actions × 100 services, a tenth with a CEL
 * condition, a deny rule per action), sampled for percentiles. Target: p99 ≤ 50 µs.
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
    StringBuilder yaml = new StringBuilder("policies:\n");
    for (int action = 0; action < 100; action++) {
      yaml.append("  - name: p").append(action).append("\n    rules:\n");
      yaml.append("      - {id: deny-").append(action).append(", effect: deny, principals: [\"td:partner.org\"],"
          + " resources: [\"*\"], actions: [a").append(action).append("]}\n");
      for (int service = 0; service < 99; service++) {
        yaml.append("      - {id: r").append(service).append(", effect: allow, principals: [\"spiffe://example.org/svc-")
            .append(service).append("/*\"], resources: [\"data/svc-").append(service).append("/*\"], actions: [a")
            .append(action).append("]");
        if (service % 10 == 0) {
          yaml.append(", condition: 'context.hour >= 8 && context.source.startsWith(\"10.\")'");
        }
        yaml.append("}\n");
      }
    }
    Files.writeString(dir.resolve("bench.yaml"), yaml);
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
