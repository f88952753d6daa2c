package dev.signet.server.access;

import dev.signet.ca.CaException;
import dev.signet.datastore.DataStoreException;

/**
 * An RFC 9457 problem detail, thrown by request handlers and rendered as {@code application/problem+json}.
 * The {@code detail} names the offending value; it never carries secrets (tokens are not echoed).
 */
final class Problem extends RuntimeException {
  private final int status;
  private final String title;

  Problem(int status, String title, String detail) {
    super(detail);
    this.status = status;
    this.title = title;
  }

  static Problem badRequest(String detail) {
    return new Problem(400, "Bad Request", detail);
  }

  static Problem unauthorized(String detail) {
    return new Problem(401, "Unauthorized", detail);
  }

  static Problem forbidden(String detail) {
    return new Problem(403, "Forbidden", detail);
  }

  static Problem unavailable(String detail) {
    return new Problem(503, "Service Unavailable", detail);
  }

  static Problem notFound(String detail) {
    return new Problem(404, "Not Found", detail);
  }

  /** The problem a failure of a request's work stands for: our own problems as they are, others by kind. */
  static Problem of(RuntimeException failure) {
    return switch (failure) {
      case Problem problem -> problem;
      case DataStoreException e -> switch (e.kind()) {
        case INVALID_ARGUMENT -> badRequest(e.getMessage());
        case NOT_FOUND -> notFound(e.getMessage());
        case ALREADY_EXISTS, CONFLICT, IN_USE -> new Problem(409, "Conflict", e.getMessage());
        case UNAVAILABLE -> unavailable("the datastore did not answer; retry later");
        case NO_SPACE -> new Problem(507, "Insufficient Storage", "the datastore has no room for the change; nothing "
            + "was stored");
        case INTERNAL -> new Problem(500, "Internal Server Error", "the datastore failed; see the server's log");
      };
      case CaException e -> switch (e.kind()) {
        case INVALID_ARGUMENT -> badRequest(e.getMessage());
        case NOT_FOUND -> notFound(e.getMessage());
        case FAILED_PRECONDITION -> new Problem(409, "Conflict", e.getMessage());
        case UNAVAILABLE -> unavailable(e.getMessage());
        case INTERNAL -> new Problem(500, "Internal Server Error", e.getMessage());
      };
      default -> new Problem(500, "Internal Server Error", "the request failed on the server; see its log");
    };
  }

  int status() {
    return status;
  }

  String title() {
    return title;
  }
}
