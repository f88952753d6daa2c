package dev.signet.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The 10,000-rule policy set of the policy benchmarks: 100 actions × (one deny rule for a partner trust
 * domain + 99 services), a tenth of the allow rules with a CEL condition. As a program, writes it to the
 * directory named by its argument (for a server's {@code policy_dir}).
 */
public final class BenchmarkPolicies {
  private BenchmarkPolicies() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    write(dir);
  }

  /** Writes {@code bench.yaml} with the 10,000 rules into {@code dir}. */
  public static void write(Path dir) throws IOException {
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
  }
}
