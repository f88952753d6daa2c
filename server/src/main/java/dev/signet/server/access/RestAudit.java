package dev.signet.server.access;

import dev.signet.server.audit.AuditTrail;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the access API's audit records into the server's trail. With {@code failClosed}, a record that
 * cannot be written refuses the request (503) instead of letting it act or decide without a trace.
 */
final class RestAudit {
  private static final Logger LOG = LoggerFactory.getLogger(RestAudit.class);

  private final AuditTrail trail;
  private final boolean failClosed;

  RestAudit(AuditTrail trail, boolean failClosed) {
    this.trail = trail;
    this.failClosed = failClosed;
  }

  /**
   * {@code key="value" ...} with quotes and backslashes in values escaped, so a value taken from a request
   * cannot pose as another field of the record's reason.
   */
  static String fields(String... keysAndValues) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      if (!out.isEmpty()) {
        out.append(' ');
      }
      out.append(keysAndValues[i]).append("=\"")
          .append(keysAndValues[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return out.toString();
  }

  static String newRequestId() {
    return UUID.randomUUID().toString();
  }

  /** Records; when that fails, refuses with 503 under fail-closed and only logs otherwise. */
  void record(String actor, String action, String outcome, String reason, String requestId) {
    try {
      trail.append(actor, action, outcome, reason, requestId);
    } catch (IOException e) {
      LOG.error("audit record of {} by {} not written to {}", action, actor, trail.file(), e);
      if (failClosed) {
        throw Problem.unavailable("the audit trail cannot be written; nothing was done (audit_log_fail_closed)");
      }
    }
  }

  /** Records the outcome of a request that already acted: never refuses, only logs a failure. */
  void recordOutcome(String actor, String action, String outcome, String reason, String requestId) {
    try {
      trail.append(actor, action, outcome, reason, requestId);
    } catch (IOException e) {
      LOG.error("audit record of {} by {} not written to {}", action, actor, trail.file(), e);
    }
  }
}
