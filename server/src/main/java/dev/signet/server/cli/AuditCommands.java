package dev.signet.server.cli;

import dev.signet.server.audit.AuditTrail;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit verify -path FILE}: checks the audit trail's hash chain; exit 1 at the first broken line. */
@Command(name = "audit", description = "Audit trail tools", subcommands = AuditCommands.Verify.class)
public final class AuditCommands {
  private AuditCommands() {}

  @Command(name = "verify", description = "Check that no audit record was changed, removed or reordered")
  public static final class Verify implements Callable<Integer> {
    @Option(names = {"-path", "--path"}, required = true, description = "The audit trail file (server.audit_log_path)")
    Path path;

    @Override
    public Integer call() {
      try {
        AuditTrail.Verification result = AuditTrail.verify(path);
        if (result.intact()) {
          System.out.println("audit trail intact: " + result.records() + " records");
          return 0;
        }
        System.err.println("Error: audit trail broken at line " + result.brokenLine() + ": " + result.problem()
            + " (" + result.records() + " records before it are intact)");
        return 1;
      } catch (IOException e) {
        System.err.println("Error: cannot read " + path + ": " + e.getMessage());
        return 1;
      }
    }
  }
}
