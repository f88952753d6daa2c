package dev.signet.server.access;

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

  int status() {
    return status;
  }

  String title() {
    return title;
  }
}
