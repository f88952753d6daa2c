package dev.signet.ca;

import java.util.Objects;

/**
 * A failure of a CA operation, with the kind of failure the server maps to a gRPC status code. This module
 * has no gRPC dependency: {@link Kind} names the codes the server will use.
 */
public final class CaException extends RuntimeException {
  /** Why an operation failed; each constant maps to the gRPC code of the same name. */
  public enum Kind {
    /** The caller's input is malformed (an empty authority ID, an unusable key). */
    INVALID_ARGUMENT,
    /** No authority with the given ID exists. */
    NOT_FOUND,
    /** The authority exists but is in the wrong state for the operation (e.g. tainting the active one). */
    FAILED_PRECONDITION,
    /** A dependency (key manager, upstream authority, journal store) cannot serve the request. */
    UNAVAILABLE,
    /** A credential we produced broke our own profile: a bug, never the caller's fault. */
    INTERNAL
  }

  private final Kind kind;

  public CaException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind);
  }

  public CaException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind);
  }

  /** The kind of failure, for mapping to a status code. */
  public Kind kind() {
    return kind;
  }
}
