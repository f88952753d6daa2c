package dev.signet.server.cli;

import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.sql.SqlDataStore;
import dev.signet.server.audit.AuditAnchor;
import dev.signet.server.audit.AuditKey;
import dev.signet.server.audit.AuditVerifier;
import dev.signet.server.audit.DataStoreAuditAnchor;
import dev.signet.server.config.ServerConfig;
import dev.signet.server.config.ServerConfigLoader;
import dev.signet.server.config.ServerFlags;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code audit verify}: checks the audit trail's keyed chain, and its end against the anchor; exit 1 at the
 * first bad record, naming its line and seq.
 */
@Command(name = "audit", description = "Audit trail tools", subcommands = AuditCommands.Verify.class)
public final class AuditCommands {
  private AuditCommands() {}

  /**
   * With {@code -config}, the trail, the key ({@code <data_dir>/audit.key}) and the anchor (read from the
   * datastore, also while the server runs, except with {@code database_type = "h2"}, which one process at a
   * time may open) come from the server's
   * configuration; {@code -path}, {@code -key} and {@code -head} (the {@code signet_audit_head_seq} of the
   * server's {@code /metrics}, or {@code SEQ:HASH}) give or override them.
   */
  @Command(name = "verify", description = "Check that no audit record was changed, removed, reordered or cut off")
  public static final class Verify implements Callable<Integer> {
    @Option(names = {"-config", "--config"}, description = "The server configuration: trail, key and anchor from it")
    Path config;

    @Option(names = {"-path", "--path"}, description = "The audit trail file (server.audit_log_path)")
    Path path;

    @Option(names = {"-key", "--key"}, description = "The audit key file (<data_dir>/audit.key)")
    Path key;

    @Option(names = {"-head", "--head"},
        description = "The anchored head, SEQ or SEQ:HASH (signet_audit_head_seq on /metrics); overrides the datastore's")
    String head;

    @Override
    public Integer call() {
      try {
        Optional<AuditAnchor.Head> anchor = head == null ? Optional.empty() : Optional.of(AuditAnchor.Head.parse(head));
        ServerConfig server = config == null ? null
            : ServerConfigLoader.load(config, ServerFlags.NONE).config();
        Path trail = path != null ? path : server == null ? null : server.audit().path();
        Path keyFile = key != null ? key : server == null ? null : server.dataDir().resolve(AuditKey.FILE_NAME);
        if (trail == null || keyFile == null) {
          System.err.println("Error: give -config, or -path and -key");
          return 1;
        }
        AuditKey auditKey = AuditKey.read(keyFile);
        if (anchor.isEmpty() && server != null) {
          anchor = storedAnchor(server, auditKey);
        }
        AuditVerifier.Verification result = AuditVerifier.verify(trail, auditKey, anchor);
        if (result.intact()) {
          System.out.println("audit trail intact: " + result.records() + " records, keyed with key " + auditKey.id());
          result.notes().forEach(note -> System.out.println("  note: " + note));
          return 0;
        }
        System.err.println("Error: audit trail broken at line " + result.brokenLine() + " (record "
            + result.brokenSeq() + "): " + result.problem() + " (" + result.records()
            + " records before it are intact)");
        return 1;
      } catch (IOException e) {
        System.err.println("Error: cannot read the audit trail or its key: " + e.getMessage());
        return 1;
      } catch (IllegalArgumentException e) { // a bad -head, a bad configuration
        System.err.println("Error: " + e.getMessage());
        return 1;
      }
    }

    private static Optional<AuditAnchor.Head> storedAnchor(ServerConfig server, AuditKey key) {
      try (DataStore store = SqlDataStore.open(server.dataStore(), server.dataDir(), Clock.systemUTC())) {
        return new DataStoreAuditAnchor(store, key).load();
      } catch (DataStoreException e) {
        throw new IllegalArgumentException("cannot read the audit anchor from the datastore (" + e.getMessage()
            + "); with the embedded database stop the server first, or give -head from its /metrics");
      }
    }
  }
}
