package dev.signet.common.config.hcl;

/**
 * One token of HCL v1 text: its kind, its text exactly as written, and where it starts (a character index into
 * the text after {@code \r\n} became {@code \n}).
 */
public record HclToken(Kind kind, String text, int offset) {
  /** The token kinds of HCL v1; comments are skipped by the parser and never reach the tree. */
  public enum Kind { EOF, COMMENT, IDENT, BOOL, NUMBER, FLOAT, STRING, HEREDOC, LBRACK, RBRACK, LBRACE, RBRACE, COMMA,
    ASSIGN, PERIOD, ADD, SUB }

  /** How an error message shows this token. */
  String describe() {
    return kind == Kind.EOF ? "end of file" : "'" + text + "'";
  }
}
