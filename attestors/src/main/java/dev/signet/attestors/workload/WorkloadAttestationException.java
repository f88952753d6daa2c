package dev.signet.attestors.workload;

/**
 * A workload attestation that could not be completed. The {@link Kind} lets the Workload API choose the
 * gRPC status; the message names the attestor once as a prefix and quotes the offending value, and is
 * safe to return to the caller (it holds no secrets, only facts about the caller's own process).
 */
public class WorkloadAttestationException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why attestation failed. */
  public enum Kind {
    /** The process no longer exists (it exited, or the pid is not visible to the agent). */
    PROCESS_GONE,
    /** The process exists but the attestor refuses to describe it (e.g. binary over the size limit). */
    REFUSED,
    /** The process or a host source (e.g. {@code /proc}, a container runtime) could not be read. */
    UNAVAILABLE
  }

  private final Kind kind;

  public WorkloadAttestationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public WorkloadAttestationException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
