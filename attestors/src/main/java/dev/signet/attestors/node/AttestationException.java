package dev.signet.attestors.node;

/**
 * A node attestation that did not succeed. The {@link Kind} tells the server which gRPC status to
 * answer with; the message is safe to return to the agent (it never carries attestation secrets).
 */
public class AttestationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why attestation failed, mapped 1:1 onto gRPC status codes by the server. */
  public enum Kind {
    /** The payload is malformed. */
    INVALID_ARGUMENT,
    /** The evidence is well-formed but does not prove an identity we accept. */
    PERMISSION_DENIED,
    /** A dependency (cloud API, Kubernetes API, the agent) did not answer. */
    UNAVAILABLE,
    /** A bug or misconfiguration on our side. */
    INTERNAL
  }

  private final Kind kind;

  public AttestationException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public AttestationException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static AttestationException invalid(String message) {
    return new AttestationException(Kind.INVALID_ARGUMENT, message);
  }

  public static AttestationException unavailable(String message) {
    return new AttestationException(Kind.UNAVAILABLE, message);
  }

  public static AttestationException denied(String message) {
    return new AttestationException(Kind.PERMISSION_DENIED, message);
  }
}
