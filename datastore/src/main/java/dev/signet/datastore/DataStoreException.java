package dev.signet.datastore;

import java.util.Objects;

/**
 * A datastore failure with a {@link Kind} the caller maps onto its own error space (the server maps it
 * onto a gRPC status). Messages are lower case and quote the offending value. This type deliberately
 * carries no gRPC dependency.
 */
public final class DataStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, coarse enough to choose a status code from. */
  public enum Kind {
    /** The addressed record does not exist. */
    NOT_FOUND,
    /** A record with the same identity already exists. */
    ALREADY_EXISTS,
    /** The write conflicts with the current state (stale revision, banned node, a racing write). */
    CONFLICT,
    /**
     * The record is still referenced and the caller asked not to touch the references (a federated bundle
     * that entries federate with, deleted in RESTRICT mode): the system is not in the state the operation
     * needs, which SPIRE reports as FAILED_PRECONDITION.
     */
    IN_USE,
    /** The request itself is malformed (bad page token, empty selector filter, invalid entry). */
    INVALID_ARGUMENT,
    /** The database cannot be reached or timed out; retrying later may succeed. */
    UNAVAILABLE,
    /**
     * The database has no room for the write (its disk, or a quota, is full). The transaction was rolled back,
     * so nothing of it was stored; the same write succeeds once room is made.
     */
    NO_SPACE,
    /** An unexpected database failure (schema mismatch, driver bug). */
    INTERNAL
  }

  private final Kind kind;

  public DataStoreException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public DataStoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public Kind kind() {
    return kind;
  }

  public static DataStoreException notFound(String message) {
    return new DataStoreException(Kind.NOT_FOUND, message);
  }

  public static DataStoreException alreadyExists(String message) {
    return new DataStoreException(Kind.ALREADY_EXISTS, message);
  }

  public static DataStoreException conflict(String message) {
    return new DataStoreException(Kind.CONFLICT, message);
  }

  public static DataStoreException inUse(String message) {
    return new DataStoreException(Kind.IN_USE, message);
  }

  public static DataStoreException invalid(String message) {
    return new DataStoreException(Kind.INVALID_ARGUMENT, message);
  }
}
