package dev.signet.server.cli;

/** {@code -output pretty|json}. */
public enum OutputFormat {
  PRETTY,
  JSON;

  static OutputFormat parse(String value) {
    return switch (value) {
      case "pretty" -> PRETTY;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException("invalid output format \"" + value + "\" (expected pretty or json)");
    };
  }
}
