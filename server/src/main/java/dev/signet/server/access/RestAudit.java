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

  /**
   * Records that a change is about to be made. Under fail-closed the record is forced and anchored, and
   * refused (503, the change is then not made) when it cannot be written or the trail's disk lacks the
   * room kept for the outcome ({@link AuditTrail#RESERVE}).
   */
  void intent(String actor, String action, String reason, String requestId) {
    try {
      if (failClosed) {
        trail.appendIntent(actor, action, reason, requestId);
      } else {
        trail.append(actor, action, "started", reason, requestId);
      }
    } catch (IOException e) {
      LOG.error("audit record of {} by {} not written to {}", action, actor, trail.file(), e);
      if (failClosed) {
        throw Problem.unavailable("the audit trail cannot be written; nothing was done (audit_log_fail_closed)");
      }
    }
  }

  /**
   * Records what a change did. Under fail-closed it is forced and anchored, and when it cannot be written
   * the change is not acknowledged: 503, and the trail owes the record (written, marked late, before any
   * later one, every write failing until then, so no other change is made meanwhile).
   */
  void changeOutcome(String actor, String action, String outcome, String reason, String requestId) {
    try {
      if (failClosed) {
        trail.appendOutcome(actor, action, outcome, reason, requestId);
      } else {
        trail.append(actor, action, outcome, reason, requestId);
      }
    } catch (IOException e) {
      LOG.error("audit record of the outcome of {} by {} not written to {}", action, actor, trail.file(), e);
      if (failClosed) {
        throw Problem.unavailable("the change was made but its outcome could not be written to the audit trail; "
            + "it will be written before any other record, and no other change is made until then "
            + "(audit_log_fail_closed)");
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
