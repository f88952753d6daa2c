package dev.signet.common.spiffe;

/**
 * A SPIFFE trust domain name, validated per the SPIFFE-ID specification: lower-case letters, digits,
 * {@code . - _}, at most 255 characters. Upper case is rejected rather than folded, because a validator
 * that folds case would accept IDs that other implementations treat as different.
 */
public record TrustDomain(String name) {
  /** Longest trust domain name we accept (a DNS name limit; the spec recommends it). */
  public static final int MAX_LENGTH = 255;

  public TrustDomain {
    String problem = problemWith(name);
    if (problem != null) {
      throw new InvalidSpiffeIdException(problem);
    }
  }

  /** Parses either a bare name ({@code example.org}) or a trust-domain ID ({@code spiffe://example.org}). */
  public static TrustDomain parse(String text) {
    if (text == null) {
      throw new InvalidSpiffeIdException("trust domain is missing");
    }
    if (text.contains("://")) {
      SpiffeId id = SpiffeId.parse(text);
      if (!id.path().isEmpty()) {
        throw new InvalidSpiffeIdException("trust domain id \"" + text + "\" must not have a path");
      }
      return id.trustDomain();
    }
    return new TrustDomain(text);
  }

  static String problemWith(String name) {
    if (name == null || name.isEmpty()) {
      return "trust domain is missing";
    }
    if (name.length() > MAX_LENGTH) {
      return "trust domain \"" + name.substring(0, 32) + "…\" is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
      if (!ok) {
        return "trust domain \"" + name + "\" has an invalid character '" + c
            + "' (only lower-case letters, digits, '.', '-' and '_' are allowed)";
      }
    }
    return null;
  }

  /** The trust domain's own SPIFFE ID, {@code spiffe://<name>}. */
  public SpiffeId id() {
    return new SpiffeId(this, "");
  }

  /** Builds a workload ID in this trust domain from a path such as {@code /ns/prod/sa/web}. */
  public SpiffeId id(String path) {
    return new SpiffeId(this, path);
  }

  /** The {@code spiffe://name} form. */
  public String idString() {
    return SpiffeId.SCHEME_PREFIX + name;
  }

  @Override
  public String toString() {
    return name;
  }
}
