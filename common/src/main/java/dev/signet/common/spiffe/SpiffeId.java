package dev.signet.common.spiffe;

import java.nio.charset.StandardCharsets;

/**
 * A SPIFFE ID ({@code spiffe://trust-domain/path}), parsed exactly per the SPIFFE-ID specification.
 *
 * <p>Rejected on purpose (each is a way to smuggle a second meaning past a validator): upper-case
 * scheme or trust domain, percent-encoding, userinfo, ports, query, fragment, empty, {@code .} or
 * {@code ..} segments, a trailing slash, and IDs longer than 2048 bytes.
 */
public record SpiffeId(TrustDomain trustDomain, String path) implements Comparable<SpiffeId> {
  public static final String SCHEME_PREFIX = "spiffe://";
  /** Maximum length of a SPIFFE ID in bytes (URI SAN limit the spec sets). */
  public static final int MAX_BYTES = 2048;

  public SpiffeId {
    if (trustDomain == null) {
      throw new InvalidSpiffeIdException("trust domain is missing");
    }
    path = path == null ? "" : path;
    String problem = pathProblem(path);
    if (problem != null) {
      throw new InvalidSpiffeIdException(problem);
    }
    int bytes = SCHEME_PREFIX.length() + trustDomain.name().length() + path.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new InvalidSpiffeIdException("spiffe id is " + bytes + " bytes; the limit is " + MAX_BYTES);
    }
  }

  /** Parses {@code spiffe://td/path}; throws {@link InvalidSpiffeIdException} naming the problem. */
  public static SpiffeId parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidSpiffeIdException("spiffe id is missing");
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw new InvalidSpiffeIdException("spiffe id is longer than " + MAX_BYTES + " bytes");
    }
    if (!text.startsWith(SCHEME_PREFIX)) {
      throw new InvalidSpiffeIdException("spiffe id \"" + text + "\" must start with the scheme \"spiffe://\"");
    }
    String rest = text.substring(SCHEME_PREFIX.length());
    int slash = rest.indexOf('/');
    String td = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    String uriProblem = uriComponentProblem(td, rest);
    if (uriProblem != null) {
      throw new InvalidSpiffeIdException("spiffe id \"" + text + "\" " + uriProblem);
    }
    String tdProblem = TrustDomain.problemWith(td);
    if (tdProblem != null) {
      throw new InvalidSpiffeIdException("spiffe id \"" + text + "\": " + tdProblem);
    }
    String pathProblem = pathProblem(path);
    if (pathProblem != null) {
      throw new InvalidSpiffeIdException("spiffe id \"" + text + "\": " + pathProblem);
    }
    return new SpiffeId(new TrustDomain(td), path);
  }

  /** Names the URI component a SPIFFE ID must not have (SPIFFE-ID §2, §2.1), or null. */
  private static String uriComponentProblem(String td, String rest) {
    if (td.isEmpty()) {
      return "has no trust domain";
    }
    if (rest.indexOf('?') >= 0) {
      return "must not have a query";
    }
    if (rest.indexOf('#') >= 0) {
      return "must not have a fragment";
    }
    if (td.indexOf('@') >= 0) {
      return "must not have userinfo";
    }
    if (td.indexOf(':') >= 0) {
      return "must not have a port";
    }
    if (rest.indexOf('%') >= 0) {
      return "must not be percent-encoded";
    }
    return null;
  }

  /** Returns null when the path is valid, else a description of the first problem. */
  static String pathProblem(String path) {
    if (path.isEmpty()) {
      return null;
    }
    if (path.charAt(0) != '/') {
      return "path \"" + path + "\" must start with '/'";
    }
    int segmentStart = 1;
    for (int i = 1; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        String segment = path.substring(segmentStart, i);
        if (segment.isEmpty()) {
          return i == path.length() ? "path \"" + path + "\" must not end with '/'"
              : "path \"" + path + "\" has an empty segment";
        }
        if (segment.equals(".") || segment.equals("..")) {
          return "path \"" + path + "\" has a dot segment \"" + segment + "\"";
        }
        segmentStart = i + 1;
        continue;
      }
      char c = path.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '-' || c == '_';
      if (!ok) {
        return "path \"" + path + "\" has an invalid character '" + c
            + "' (only letters, digits, '.', '-' and '_' are allowed in segments)";
      }
    }
    return null;
  }

  /** True when this is a trust domain's own ID (no path). */
  public boolean isTrustDomainId() {
    return path.isEmpty();
  }

  /** True when this ID belongs to the given trust domain. */
  public boolean memberOf(TrustDomain domain) {
    return trustDomain.equals(domain);
  }

  @Override
  public int compareTo(SpiffeId other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return SCHEME_PREFIX + trustDomain.name() + path;
  }
}
