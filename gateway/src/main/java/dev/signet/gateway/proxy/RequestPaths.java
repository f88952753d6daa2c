package dev.signet.gateway.proxy;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Optional;

/**
 * The resource of an HTTP request: its path, percent-decoded. Security: the policy decides on this string
 * and the upstream resolves the raw one, so only paths both read the same way are accepted: origin-form
 * ({@code /...}), no {@code .} or {@code ..} segment, no empty segment, no backslash, no control character
 * and no encoded slash. Anything else is refused (400) rather than normalized, so that
 * {@code /public/../admin} can never be allowed as {@code /public/*}.
 */
final class RequestPaths {
  private RequestPaths() {}

  /** The decoded path, or empty when the request target is not one the gateway lets through. */
  static Optional<String> resource(String uri) {
    if (uri.isEmpty() || uri.charAt(0) != '/') {
      return Optional.empty();
    }
    String rawPath = new QueryStringDecoder(uri).rawPath();
    if (rawPath.toLowerCase(java.util.Locale.ROOT).contains("%2f") || rawPath.contains("%5c")
        || rawPath.contains("%5C")) {
      return Optional.empty();
    }
    String path;
    try {
      path = new QueryStringDecoder(uri).path();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (path.indexOf('\\') >= 0 || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return Optional.empty();
    }
    String[] segments = path.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      boolean last = i == segments.length - 1;
      if (segment.equals(".") || segment.equals("..") || (segment.isEmpty() && !last)) {
        return Optional.empty();
      }
    }
    return Optional.of(path);
  }
}
