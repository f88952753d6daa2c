package dev.signet.common.config;

/** One lexical token of an HCL document, with the line and column it starts at (both 1-based). */
record HclToken(Kind kind, String text, int line, int column) {
  enum Kind { IDENT, STRING, HEREDOC, NUMBER, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, EQUALS, COMMA,
    NEWLINE }

  boolean isScalar() {
    return kind == Kind.IDENT || kind == Kind.STRING || kind == Kind.HEREDOC || kind == Kind.NUMBER;
  }

  /** The key this token names: an identifier, or a quoted string without its quotes. */
  String key() {
    return kind == Kind.STRING ? text.substring(1, text.length() - 1) : text;
  }

  /** A syntax error at this token: {@code origin:line:column: message}, as compilers print them. */
  ConfigException error(String origin, String message) {
    return syntaxError(origin, line, column, message);
  }

  /**
   * The one format of every HCL syntax error: {@code server.conf:12:5: message}, on one line, so the
   * command line can print it as it is and editors can jump to the place.
   */
  static ConfigException syntaxError(String origin, int line, int column, String message) {
    return new ConfigException(origin + ":" + line + ":" + column + ": " + message);
  }

  String describe() {
    return kind == Kind.NEWLINE ? "end of line" : "'" + text + "'";
  }
}
