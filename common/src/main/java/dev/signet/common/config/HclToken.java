package dev.signet.common.config;

/** One lexical token of an HCL document, with the line it starts on (1-based). */
record HclToken(Kind kind, String text, int line) {
  enum Kind { IDENT, STRING, HEREDOC, NUMBER, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET, EQUALS, COMMA,
    NEWLINE }

  boolean isScalar() {
    return kind == Kind.IDENT || kind == Kind.STRING || kind == Kind.HEREDOC || kind == Kind.NUMBER;
  }

  /** The key this token names: an identifier, or a quoted string without its quotes. */
  String key() {
    return kind == Kind.STRING ? text.substring(1, text.length() - 1) : text;
  }

  String describe() {
    return kind == Kind.NEWLINE ? "end of line" : "'" + text + "'";
  }
}
